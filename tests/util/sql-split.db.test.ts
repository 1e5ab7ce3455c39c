/**
 * The splitter against the real servers: every statement it returns must run as written, and the
 * objects it created must behave (a trigger fires, a procedure loops), so a body cut in two fails here.
 */
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { splitSqlStatements } from "../../src/util/sql-split.js";
import { createMysqlDatabase, createPgDatabase, requireDatabase, type TempDatabase } from "../helpers/databases.js";
import { d1Database, type StartedMiniflare, startMiniflare } from "../helpers/miniflare.js";

const PG_SCRIPT = `-- viborm:no-transaction
CREATE TABLE items (id serial PRIMARY KEY, label text NOT NULL, note text);
CREATE TABLE log (line text);

/* a function whose body is a dollar quote with semicolons inside */
CREATE FUNCTION log_item() RETURNS trigger AS $fn$
BEGIN
  INSERT INTO log VALUES ('added: ' || NEW.label || ';');
  RETURN NEW;
END;
$fn$ LANGUAGE plpgsql;

CREATE TRIGGER items_log AFTER INSERT ON items FOR EACH ROW EXECUTE FUNCTION log_item();

CREATE FUNCTION double_it(x int) RETURNS int LANGUAGE sql
BEGIN ATOMIC
  SELECT CASE WHEN x IS NULL THEN 0 ELSE x * 2 END;
END;

CREATE RULE items_copy AS ON UPDATE TO items DO ALSO (INSERT INTO log VALUES ('u1'); INSERT INTO log VALUES ('u2'));

INSERT INTO items (label, note) VALUES ('semi;colon', E'it\\'s; escaped'), ('quote''s', $$dollar; text$$);
UPDATE items SET note = 'x' WHERE label = 'semi;colon';
-- a trailing comment only
`;

const MYSQL_SCRIPT = `CREATE TABLE items (id int AUTO_INCREMENT PRIMARY KEY, label varchar(50) NOT NULL, kind varchar(10));
CREATE TABLE log (line varchar(200));
# a hash comment; with a semicolon
CREATE TRIGGER items_bi BEFORE INSERT ON items FOR EACH ROW
BEGIN
  IF NEW.label = '' THEN
    SET NEW.label = 'empty;';
  END IF;
  SET NEW.kind = CASE WHEN NEW.label LIKE 'a%' THEN 'a' ELSE 'other' END;
  INSERT INTO log VALUES (CONCAT('insert: ', NEW.label, ' \\'quoted\\''));
END;
CREATE PROCEDURE fill(IN n INT)
BEGIN
  DECLARE i INT DEFAULT 0;
  fill_loop: LOOP
    SET i = i + 1;
    IF i > n THEN LEAVE fill_loop; END IF;
    INSERT INTO items (label) VALUES (CONCAT('a', i));
  END LOOP fill_loop;
END;
DELIMITER //
CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC
BEGIN
  DECLARE y INT;
  SET y = x * 2;
  RETURN y;
END //
DELIMITER ;
/*!40101 SET @viborm_exec_comment = 1 */;
CALL fill(3);
INSERT INTO items (label) VALUES ('');
`;

const SQLITE_SCRIPT = `CREATE TABLE [items] (id INTEGER PRIMARY KEY, "label;" TEXT NOT NULL, \`kind\` TEXT);
CREATE TABLE log (line TEXT);
-- a trigger whose body holds semicolons and a CASE … END
CREATE TRIGGER items_ai AFTER INSERT ON items
WHEN NEW."label;" <> ''
BEGIN
  INSERT INTO log VALUES ('insert: ' || NEW."label;" || ';');
  UPDATE items SET kind = CASE WHEN NEW."label;" LIKE 'a%' THEN 'a' ELSE 'other' END WHERE id = NEW.id;
END;
INSERT INTO items ("label;") VALUES ('a;1'), ('b''2');
`;

describe("splitSqlStatements on PostgreSQL", () => {
  let database: TempDatabase | undefined;
  let client: pg.Client;

  beforeAll(async () => {
    if (!(await requireDatabase("postgres", "SQL splitting on PostgreSQL"))) return;
    database = await createPgDatabase("viborm_split");
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it("runs every statement of a script with functions, triggers, rules and quoting", async ({ skip }) => {
    if (!database) return skip();
    const statements = splitSqlStatements(PG_SCRIPT, "postgres");
    expect(statements).toHaveLength(8);
    for (const statement of statements) await client.query(statement);
    const items = await client.query("SELECT label, note FROM items ORDER BY id");
    expect(items.rows).toEqual([
      { label: "semi;colon", note: "x" },
      { label: "quote's", note: "dollar; text" },
    ]);
    const log = await client.query("SELECT line FROM log ORDER BY line");
    expect(log.rows.map((row) => row.line)).toEqual(["added: quote's;", "added: semi;colon;", "u1", "u2"]);
    expect((await client.query("SELECT double_it(21) AS v")).rows).toEqual([{ v: 42 }]);
  });
});

describe("splitSqlStatements on MariaDB", () => {
  let database: TempDatabase | undefined;
  let connection: mysql.Connection;

  beforeAll(async () => {
    if (!(await requireDatabase("mysql", "SQL splitting on MariaDB"))) return;
    database = await createMysqlDatabase("viborm_split");
    connection = await mysql.createConnection({ uri: database.url });
  });
  afterAll(async () => {
    await connection?.end();
    await database?.drop();
  });

  it("runs every statement of a script with triggers, procedures, DELIMITER and executable comments", async ({
    skip,
  }) => {
    if (!database) return skip();
    const statements = splitSqlStatements(MYSQL_SCRIPT, "mysql");
    expect(statements).toHaveLength(8);
    for (const statement of statements) await connection.query(statement);
    const [items] = await connection.query("SELECT label, kind FROM items ORDER BY id");
    expect(items).toEqual([
      { label: "a1", kind: "a" },
      { label: "a2", kind: "a" },
      { label: "a3", kind: "a" },
      { label: "empty;", kind: "other" },
    ]);
    const [log] = await connection.query("SELECT COUNT(*) AS n FROM log WHERE line LIKE '%''quoted''%'");
    expect(log).toEqual([{ n: 4 }]);
    const [twice] = await connection.query("SELECT twice(21) AS v, @viborm_exec_comment AS flag");
    expect(twice).toEqual([{ v: 42, flag: 1 }]);
  });
});

describe("splitSqlStatements on SQLite and D1", () => {
  let miniflare: StartedMiniflare;

  beforeAll(async () => {
    miniflare = await startMiniflare({ kvNamespaces: [], r2Buckets: [], d1Databases: ["DB"] });
  });
  afterAll(async () => {
    await miniflare?.dispose();
  });

  const expected = {
    items: [
      { label: "a;1", kind: "a" },
      { label: "b'2", kind: "other" },
    ],
    log: ["insert: a;1;", "insert: b'2;"],
  };

  it("runs every statement of a script with a trigger body on better-sqlite3", () => {
    const db = new Database(":memory:");
    const statements = splitSqlStatements(SQLITE_SCRIPT, "sqlite");
    expect(statements).toHaveLength(4);
    for (const statement of statements) db.prepare(statement).run();
    expect(db.prepare('SELECT "label;" AS label, kind FROM items ORDER BY id').all()).toEqual(expected.items);
    expect(db.prepare("SELECT line FROM log ORDER BY line").pluck().all()).toEqual(expected.log);
    db.close();
  });

  it("runs the same statements as one D1 batch", async () => {
    const db = d1Database(miniflare.mf, "DB");
    const statements = splitSqlStatements(SQLITE_SCRIPT, "sqlite");
    await db.batch(statements.map((statement: string) => db.prepare(statement)));
    const items = await db.prepare('SELECT "label;" AS label, kind FROM items ORDER BY id').all();
    expect(items.results).toEqual(expected.items);
    const log = await db.prepare("SELECT line FROM log ORDER BY line").all();
    expect((log.results ?? []).map((row) => (row as { line: string }).line)).toEqual(expected.log);
  });
});
