-- Migration 20260102000000_init

CREATE TABLE "authors" (
  "id" TEXT NOT NULL,
  "email" TEXT NOT NULL,
  "name" TEXT,
  "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "authors_email_key" ON "authors" ("email");

CREATE TABLE "posts" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  "title" TEXT NOT NULL,
  "body" TEXT,
  "published" BOOLEAN NOT NULL DEFAULT FALSE,
  "authorId" TEXT NOT NULL,
  CONSTRAINT "posts_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "authors" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
);

CREATE INDEX "posts_authorId_published_idx" ON "posts" ("authorId", "published");
