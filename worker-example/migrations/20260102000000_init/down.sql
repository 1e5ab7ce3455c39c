-- Rollback of 20260102000000_init

DROP TABLE "posts";

DROP TABLE "authors";
