-- The row shape of efectn/go-orm-benchmarks: 8 columns, about 70 bytes.
-- This file is what model.Script prints for benchdb.Registry (a test keeps
-- the two identical); the benchmarks create the table from the metadata.
CREATE TABLE "models" (
    "id"      serial NOT NULL,
    "name"    text NOT NULL,
    "title"   text NOT NULL,
    "fax"     text NOT NULL,
    "web"     text NOT NULL,
    "age"     integer NOT NULL,
    "right"   boolean NOT NULL,
    "counter" bigint NOT NULL,
    CONSTRAINT "models_pkey" PRIMARY KEY ("id")
);
