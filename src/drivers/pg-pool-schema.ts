/**
 * `pgSchema` on a node-postgres pool you own (see `pg-schema.ts` for the option itself).
 */
import type { PgPoolLike } from "./pg.js";
import { RESET_SEARCH_PATH, searchPathSql } from "./pg-schema.js";

/**
 * A pool you own, seen through `pgSchema`: each connection checked out gets `SET search_path` first
 * and `RESET search_path` before it goes back, so your other users of the pool never see the
 * schema. That costs two round trips per checkout; a pool viborm opens from `databaseUrl` sets it
 * at connection start instead, for free.
 *
 * @example const pool = pinPoolToSchema(userPool, searchPath("tenant_42", undefined));
 */
export function pinPoolToSchema(pool: PgPoolLike, path: string): PgPoolLike {
  const pinned: PgPoolLike = {
    async query(text, values) {
      const connection = await pinned.connect();
      let failed = false;
      try {
        return await connection.query(text, values);
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        connection.release(failed);
      }
    },
    async connect() {
      const connection = await pool.connect();
      try {
        await connection.query(searchPathSql(path));
      } catch (error) {
        connection.release(true);
        throw error;
      }
      return {
        query: (text, values) => connection.query(text, values),
        release(destroy) {
          // A connection in doubt is destroyed, not reset: the pool replaces it.
          if (destroy) return connection.release(destroy);
          connection.query(RESET_SEARCH_PATH).then(
            () => connection.release(),
            (error: unknown) => connection.release(error instanceof Error ? error : true),
          );
        },
      };
    },
    end: () => pool.end(),
  };
  return pinned;
}
