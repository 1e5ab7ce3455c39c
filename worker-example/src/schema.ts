/**
 * The Worker's schema: authors who write posts, and comments on posts. Small, but with the parts
 * a D1 migration has to get right: a uuid text key, an auto-increment key, foreign keys with
 * ON DELETE CASCADE, a literal default, a unique column and a composite index.
 *
 * The sample migrations in `worker-example/migrations/` are generated from it, in two steps
 * (`npm run worker:generate`): `init` creates authors and posts, `add-comments` adds comments.
 */
import { s } from "viborm";

/** An author: uuid id, unique email, and the posts they wrote. Table "authors". */
export const author = s
  .model({
    id: s.string().id().uuid(),
    email: s.string().unique(),
    name: s.string().nullable(),
    createdAt: s.dateTime().now(),
    posts: s.oneToMany(() => post),
  })
  .map("authors");

/** A post, deleted with its author. Table "posts". */
export const post = s
  .model({
    id: s.int().id().increment(),
    title: s.string(),
    body: s.string().nullable(),
    published: s.boolean().default(false),
    authorId: s.string(),
    author: s
      .manyToOne(() => author)
      .fields("authorId")
      .references("id")
      .onDelete("cascade"),
  })
  .map("posts")
  .index(["authorId", "published"]);

/** A comment on a post, deleted with the post. Table "comments". */
export const comment = s
  .model({
    id: s.int().id().increment(),
    body: s.string(),
    postId: s.int(),
    post: s
      .manyToOne(() => post)
      .fields("postId")
      .references("id")
      .onDelete("cascade"),
    createdAt: s.dateTime().now(),
  })
  .map("comments");

/** The schema the Worker's database ends in, after every sample migration. */
export const schema = { author, post, comment };

/**
 * The schema after each sample migration, in order: what `scripts/generate.ts` replays to write
 * `migrations/`. A new migration is a new entry at the end.
 */
export const SCHEMA_HISTORY = [
  { name: "init", schema: { author, post } },
  { name: "add-comments", schema },
] as const;
