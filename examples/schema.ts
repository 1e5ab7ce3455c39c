/**
 * The example schema from DESIGN.md: users with posts, posts with tags.
 *
 * Tests, benchmarks and demos import it as the reference schema.
 */
import { s } from "viborm";

/** A user: uuid id, unique email, a role enum and its posts. Table "users". */
export const user = s
  .model({
    id: s.string().id().uuid(),
    email: s.string().unique(),
    name: s.string().nullable(),
    role: s.enum(["USER", "ADMIN"]).default("USER"),
    createdAt: s.dateTime().now(),
    posts: s.oneToMany(() => post),
  })
  .map("users")
  .index(["role", "createdAt"]);

/** A post: auto-increment id, its author (deleted with the user) and its tags. */
export const post = s.model({
  id: s.int().id().increment(),
  title: s.string(),
  views: s.bigInt().default(0n),
  authorId: s.string(),
  author: s
    .manyToOne(() => user)
    .fields("authorId")
    .references("id")
    .onDelete("cascade"),
  tags: s.manyToMany(() => tag),
});

/** A tag with a unique label. */
export const tag = s.model({ id: s.int().id().increment(), label: s.string().unique() });

/** The schema object: model name → model. */
export const schema = { user, post, tag };
