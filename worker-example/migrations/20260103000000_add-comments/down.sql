-- Rollback of 20260103000000_add-comments

DROP TABLE "comments";
