DROP TABLE "book_tags";

DROP TABLE "tags";

DROP TABLE "books";

DROP TABLE "authors";
