/**
 * Schema sources the CLI tests write into their projects' `schema.ts`, as successive versions of
 * one application.
 */

const header = `import { s } from "viborm";\n`;

/** `users` (id, email, name). */
export const USERS = `${header}
export const user = s.model({
  id: s.int().id().increment(),
  email: s.string().unique(),
  name: s.string().nullable(),
}).map("users");

export const schema = { user };
`;

/** USERS plus a `posts` table. */
export const USERS_POSTS = `${header}
export const user = s.model({
  id: s.int().id().increment(),
  email: s.string().unique(),
  name: s.string().nullable(),
}).map("users");

export const post = s.model({ id: s.int().id().increment(), title: s.string() }).map("posts");

export const schema = { user, post };
`;

/** USERS with `name` gone and `fullName` new: a suspected column rename. */
export const USERS_RENAMED_COLUMN = `${header}
export const user = s.model({
  id: s.int().id().increment(),
  email: s.string().unique(),
  fullName: s.string().nullable(),
}).map("users");

export const schema = { user };
`;

/** USERS without `name`: a destructive drop, nothing ambiguous. */
export const USERS_DROPPED_COLUMN = `${header}
export const user = s.model({
  id: s.int().id().increment(),
  email: s.string().unique(),
}).map("users");

export const schema = { user };
`;

/** USERS as table `people`: a suspected table rename. */
export const PEOPLE = `${header}
export const user = s.model({
  id: s.int().id().increment(),
  email: s.string().unique(),
  name: s.string().nullable(),
}).map("people");

export const schema = { user };
`;
