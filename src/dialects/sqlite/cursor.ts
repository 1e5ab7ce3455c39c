/** The token cursor, shared by every dialect's DDL parser (see `../parse/cursor.ts`). */
export { type Cursor, createCursor } from "../parse/cursor.js";
