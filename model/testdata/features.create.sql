CREATE TABLE "order" (
    "id"        serial NOT NULL,
    "owner_id"  bigint,
    "group"     smallint NOT NULL DEFAULT 3,
    "total"     numeric(12,2) NOT NULL DEFAULT 0,
    "placed_at" timestamp,
    "paid_at"   timestamptz,
    "due"       date,
    "token"     uuid NOT NULL DEFAULT gen_random_uuid(),
    "payload"   json,
    "meta"      jsonb NOT NULL DEFAULT '{}'::jsonb,
    "blob"      bytea,
    "labels"    text[] NOT NULL DEFAULT '{}',
    "sizes"     integer[],
    "prices"    numeric(8,3)[],
    "seq"       smallserial,
    "big"       bigserial,
    CONSTRAINT "order_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "order_owner_id_group_key" UNIQUE ("owner_id", "group"),
    CONSTRAINT "order_check" CHECK ("paid_at" IS NULL OR "placed_at" IS NOT NULL),
    CONSTRAINT "order_total_nonnegative" CHECK ("total" >= 0)
);

CREATE INDEX "order_labels_idx" ON "order" USING gin ("labels");

CREATE INDEX "order_owner_id_placed_at_idx" ON "order" ("owner_id", "placed_at");

CREATE UNIQUE INDEX "order_unpaid_token_key" ON "order" ("token") WHERE ("paid_at" IS NULL);

CREATE TABLE "user" (
    "id"           bigint GENERATED ALWAYS AS IDENTITY,
    "select"       varchar(100) NOT NULL,
    "we""ird Name" text DEFAULT E'it''s a \\ test',
    "manager_id"   bigint,
    "team_id"      integer,
    "active"       boolean NOT NULL DEFAULT true,
    "score"        real DEFAULT 1.5,
    "ratio"        double precision,
    CONSTRAINT "user_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "user_select_key" UNIQUE ("select"),
    CONSTRAINT "user_manager_id_fkey" FOREIGN KEY ("manager_id") REFERENCES "user" ("id") ON DELETE SET NULL,
    CONSTRAINT "user_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "order" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

CREATE TABLE "order line" (
    "order_id" integer NOT NULL,
    "owner_id" bigint NOT NULL,
    "group"    smallint NOT NULL,
    "n"        integer NOT NULL,
    CONSTRAINT "order line_pkey" PRIMARY KEY ("order_id", "n"),
    CONSTRAINT "order line_n_check" CHECK ("n" > 0),
    CONSTRAINT "order line_owner_id_group_fkey" FOREIGN KEY ("owner_id", "group") REFERENCES "order" ("owner_id", "group") ON DELETE CASCADE,
    CONSTRAINT "order line_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "order" ("id") ON DELETE RESTRICT
);

CREATE TABLE "Tag" (
    "ID"   uuid NOT NULL,
    "name" text NOT NULL,
    CONSTRAINT "Tag_pkey" PRIMARY KEY ("ID")
);

CREATE TABLE "order_Tag" (
    "order_id" integer NOT NULL,
    "tag_id"   uuid NOT NULL,
    CONSTRAINT "order_Tag_pkey" PRIMARY KEY ("order_id", "tag_id"),
    CONSTRAINT "order_Tag_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "order" ("id") ON DELETE CASCADE,
    CONSTRAINT "order_Tag_tag_id_fkey" FOREIGN KEY ("tag_id") REFERENCES "Tag" ("ID") ON DELETE CASCADE
);

CREATE INDEX "order_Tag_tag_id_idx" ON "order_Tag" ("tag_id");

ALTER TABLE "order" ADD CONSTRAINT "order_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "user" ("id");
