ALTER TABLE "order" DROP CONSTRAINT "order_owner_id_fkey";

DROP TABLE "order_Tag";

DROP TABLE "Tag";

DROP TABLE "order line";

DROP TABLE "user";

DROP TABLE "order";
