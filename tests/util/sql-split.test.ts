import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type SqlDialect, splitSqlStatements } from "../../src/util/sql-split.js";

const DIALECTS: SqlDialect[] = ["postgres", "mysql", "sqlite"];

describe.each(DIALECTS)("splitSqlStatements (%s): what every dialect shares", (dialect) => {
  const split = (sql: string) => splitSqlStatements(sql, dialect);

  it("splits at top-level semicolons, trimmed and without the semicolon", () => {
    expect(split("CREATE TABLE a (x int);\nCREATE TABLE b (y int);\n")).toEqual([
      "CREATE TABLE a (x int)",
      "CREATE TABLE b (y int)",
    ]);
  });

  it("keeps a last statement that has no semicolon", () => {
    expect(split("SELECT 1;\n  SELECT 2  \n")).toEqual(["SELECT 1", "SELECT 2"]);
  });

  it("returns nothing for empty, blank, comment-only and semicolon-only input", () => {
    expect(split("")).toEqual([]);
    expect(split(" \n\t\r\n")).toEqual([]);
    expect(split("-- only a note\n/* and a block */\n")).toEqual([]);
    expect(split(";;\n;  ;")).toEqual([]);
  });

  it("drops comments before a statement and comment-only chunks, keeps comments inside one", () => {
    const sql = "-- header\n-- viborm:no-transaction\n\nCREATE TABLE a (\n  x int -- the x\n);\n-- trailing note\n";
    expect(split(sql)).toEqual(["CREATE TABLE a (\n  x int -- the x\n)"]);
    expect(split("/* a */ SELECT 1; /* b */ ; /* c */ SELECT /* d */ 2;")).toEqual(["SELECT 1", "SELECT /* d */ 2"]);
  });

  it("ignores semicolons inside single-quoted strings, with doubled-quote escapes", () => {
    expect(split("INSERT INTO t VALUES ('a;b', 'it''s; fine');SELECT ';'")).toEqual([
      "INSERT INTO t VALUES ('a;b', 'it''s; fine')",
      "SELECT ';'",
    ]);
  });

  it("ignores semicolons inside double-quoted names and comments", () => {
    expect(split('CREATE TABLE "we;ird" ("a""b;" int);\n-- x; y\n/* p; q */SELECT 1')).toEqual([
      'CREATE TABLE "we;ird" ("a""b;" int)',
      "SELECT 1",
    ]);
  });

  it("ignores semicolons inside parentheses", () => {
    expect(split("SELECT (1;2); SELECT 3")).toEqual(["SELECT (1;2)", "SELECT 3"]);
  });

  it("keeps CRLF line endings inside statements and splits CRLF files", () => {
    expect(split("CREATE TABLE a (\r\n  x int\r\n);\r\nSELECT 1;\r\n")).toEqual([
      "CREATE TABLE a (\r\n  x int\r\n)",
      "SELECT 1",
    ]);
  });

  it("treats an unterminated string or comment as running to the end", () => {
    expect(split("SELECT 'abc; SELECT 2")).toEqual(["SELECT 'abc; SELECT 2"]);
    expect(split("SELECT 1 /* open; SELECT 2")).toEqual(["SELECT 1 /* open; SELECT 2"]);
  });

  it("does not take words that merely contain BEGIN or END as block markers", () => {
    expect(split("CREATE TABLE beginning (ending int, legend text); SELECT 1")).toEqual([
      "CREATE TABLE beginning (ending int, legend text)",
      "SELECT 1",
    ]);
  });

  it("keeps plain CASE … END expressions and transaction statements as ordinary statements", () => {
    expect(split("UPDATE t SET a = CASE WHEN b THEN 1 ELSE 2 END; BEGIN; COMMIT;")).toEqual([
      "UPDATE t SET a = CASE WHEN b THEN 1 ELSE 2 END",
      "BEGIN",
      "COMMIT",
    ]);
  });

  it("keeps unicode text intact", () => {
    expect(split("INSERT INTO t VALUES ('héllo; 世界 🎉');SELECT 'ß'")).toEqual([
      "INSERT INTO t VALUES ('héllo; 世界 🎉')",
      "SELECT 'ß'",
    ]);
  });
});

describe("splitSqlStatements (postgres)", () => {
  const split = (sql: string) => splitSqlStatements(sql, "postgres");

  it("keeps $$ and $tag$ dollar-quoted bodies whole", () => {
    const fn = `CREATE FUNCTION f() RETURNS trigger AS $$
BEGIN
  NEW.a := 'x;y';
  RETURN NEW;
END;
$$ LANGUAGE plpgsql`;
    const tagged = "DO $body$ BEGIN PERFORM 1; PERFORM $$inner;$$; END $body$";
    expect(split(`${fn};\n${tagged};\nSELECT 1;`)).toEqual([fn, tagged, "SELECT 1"]);
  });

  it("does not read positional parameters or $ inside names as dollar quotes", () => {
    expect(split("SELECT $1, a$b$ FROM t; SELECT $2")).toEqual(["SELECT $1, a$b$ FROM t", "SELECT $2"]);
  });

  it("takes backslash escapes only in E'' strings", () => {
    expect(split("SELECT E'it\\'s;'; SELECT 'a\\'; SELECT 2")).toEqual([
      "SELECT E'it\\'s;'",
      "SELECT 'a\\'",
      "SELECT 2",
    ]);
    expect(split("SELECT e'\\\\'; SELECT 3")).toEqual(["SELECT e'\\\\'", "SELECT 3"]);
  });

  it("nests block comments", () => {
    expect(split("/* outer /* inner; */ still; */ SELECT 1; SELECT 2")).toEqual(["SELECT 1", "SELECT 2"]);
  });

  it("treats backticks, brackets and # as code, not quotes or comments", () => {
    expect(split("SELECT a[1] FROM t; SELECT 1 # 2; SELECT 3")).toEqual([
      "SELECT a[1] FROM t",
      "SELECT 1 # 2",
      "SELECT 3",
    ]);
  });

  it("keeps a BEGIN ATOMIC function body whole", () => {
    const fn = `CREATE OR REPLACE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql
BEGIN ATOMIC
  SELECT CASE WHEN a IS NULL THEN 0 ELSE a END + b;
END`;
    expect(split(`${fn};\nSELECT add(1, 2);`)).toEqual([fn, "SELECT add(1, 2)"]);
  });

  it("keeps CREATE RULE actions in parentheses whole", () => {
    const rule = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO log VALUES (1); INSERT INTO log VALUES (2))";
    expect(split(`${rule}; SELECT 1`)).toEqual([rule, "SELECT 1"]);
  });

  it("treats -- as a comment even without a following space", () => {
    expect(split("SELECT 1 --;\n; SELECT 2")).toEqual(["SELECT 1 --;", "SELECT 2"]);
  });
});

describe("splitSqlStatements (mysql)", () => {
  const split = (sql: string) => splitSqlStatements(sql, "mysql");

  it("honours backslash escapes in single- and double-quoted strings", () => {
    expect(split("INSERT INTO t VALUES ('it\\'s; ok', \"say \\\"hi;\\\"\"); SELECT '\\\\'; SELECT 2")).toEqual([
      'INSERT INTO t VALUES (\'it\\\'s; ok\', "say \\"hi;\\"")',
      "SELECT '\\\\'",
      "SELECT 2",
    ]);
  });

  it("keeps backtick names whole, with doubled-backtick escapes and no backslash escapes", () => {
    expect(split("CREATE TABLE `a;b` (`c``;` int, `d\\` int); SELECT 1")).toEqual([
      "CREATE TABLE `a;b` (`c``;` int, `d\\` int)",
      "SELECT 1",
    ]);
  });

  it("treats # as a comment and -- only when followed by whitespace", () => {
    expect(split("# note; here\nSELECT 1; SELECT 5--1; SELECT 2 -- x; y\n;")).toEqual([
      "SELECT 1",
      "SELECT 5--1",
      "SELECT 2 -- x; y",
    ]);
    expect(split("SELECT 1 --\tx;\n; SELECT 3 --")).toEqual(["SELECT 1 --\tx;", "SELECT 3 --"]);
  });

  it("keeps executable comments as code, and the statement they open", () => {
    expect(split("/*!40101 SET NAMES utf8mb4 */;\n/* plain */\n/*M!100100 SET @x = 1 */; SELECT 1")).toEqual([
      "/*!40101 SET NAMES utf8mb4 */",
      "/*M!100100 SET @x = 1 */",
      "SELECT 1",
    ]);
  });

  it("keeps trigger bodies with BEGIN … END, IF, CASE and nested blocks whole", () => {
    const trigger = `CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW
BEGIN
  DECLARE n INT DEFAULT 0;
  IF NEW.a IS NULL THEN
    SET NEW.a = 'x;';
  ELSEIF NEW.a = '' THEN
    BEGIN
      SET NEW.a = CASE WHEN NEW.b > 0 THEN 'pos' ELSE 'neg' END;
    END;
  END IF;
  CASE NEW.c WHEN 1 THEN SET n = 1; ELSE SET n = 2; END CASE;
  SET NEW.d = n;
END`;
    expect(split(`${trigger};\nINSERT INTO t (a) VALUES ('y');`)).toEqual([trigger, "INSERT INTO t (a) VALUES ('y')"]);
  });

  it("keeps procedures with loops and labels whole", () => {
    const proc = `CREATE PROCEDURE fill(IN n INT)
BEGIN
  DECLARE i INT DEFAULT 0;
  outer_loop: LOOP
    SET i = i + 1;
    IF i > n THEN LEAVE outer_loop; END IF;
    WHILE i < 0 DO SET i = i + 1; END WHILE;
    REPEAT SET i = i + 0; UNTIL TRUE END REPEAT;
  END LOOP outer_loop;
END`;
    expect(split(`${proc};\nCALL fill(3);`)).toEqual([proc, "CALL fill(3)"]);
  });

  it("recognises block statements after DEFINER, OR REPLACE and for functions and events", () => {
    const definer =
      "CREATE DEFINER=`root`@`localhost` TRIGGER t1 AFTER DELETE ON t FOR EACH ROW BEGIN DELETE FROM u; END";
    const plain = "CREATE DEFINER = CURRENT_USER() PROCEDURE p() BEGIN SELECT 1; SELECT 2; END";
    const unquoted = "CREATE OR REPLACE DEFINER=root@localhost FUNCTION f() RETURNS INT BEGIN RETURN 1; END";
    const event = "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM t; DELETE FROM u; END";
    expect(split([definer, plain, unquoted, event, "SELECT 1"].join(";\n"))).toEqual([
      definer,
      plain,
      unquoted,
      event,
      "SELECT 1",
    ]);
  });

  it("keeps MariaDB FOR loops (END FOR) inside a body", () => {
    const proc = "CREATE PROCEDURE p() BEGIN FOR i IN 1..3 DO INSERT INTO t VALUES (i); END FOR; SELECT 1; END";
    expect(split(`${proc};\nCALL p()`)).toEqual([proc, "CALL p()"]);
  });

  it("splits a trigger without a BEGIN body at its semicolon", () => {
    expect(split("CREATE TRIGGER t2 BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1; SELECT 1")).toEqual([
      "CREATE TRIGGER t2 BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1",
      "SELECT 1",
    ]);
  });

  it("reads qualified names such as NEW.end as names, not block ends", () => {
    const trigger = "CREATE TRIGGER t3 BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.end = 1; SET NEW.begin = 2; END";
    expect(split(`${trigger}; SELECT 1`)).toEqual([trigger, "SELECT 1"]);
  });

  it("does not take tables named event or trigger for block statements", () => {
    expect(split("CREATE TABLE event (id int); CREATE INDEX trigger ON event (id); SELECT 1")).toEqual([
      "CREATE TABLE event (id int)",
      "CREATE INDEX trigger ON event (id)",
      "SELECT 1",
    ]);
  });

  it("follows DELIMITER lines, including //, and drops them", () => {
    const sql = `CREATE TABLE t (a int);
DELIMITER //
CREATE PROCEDURE p()
BEGIN
  SELECT 1; SELECT 2;
END //
-- between
CREATE PROCEDURE q() SELECT ';' //
DELIMITER ;
SELECT 3;
delimiter $$
CREATE FUNCTION f() RETURNS INT RETURN 1$$
DELIMITER ;
SELECT 4`;
    expect(split(sql)).toEqual([
      "CREATE TABLE t (a int)",
      "CREATE PROCEDURE p()\nBEGIN\n  SELECT 1; SELECT 2;\nEND",
      "CREATE PROCEDURE q() SELECT ';'",
      "SELECT 3",
      "CREATE FUNCTION f() RETURNS INT RETURN 1",
      "SELECT 4",
    ]);
  });

  it("reads DELIMITER only where a statement starts", () => {
    expect(split("SELECT 1,\ndelimiter //\n; SELECT 2")).toEqual(["SELECT 1,\ndelimiter //", "SELECT 2"]);
    expect(split("SELECT delimiter FROM t; SELECT 2")).toEqual(["SELECT delimiter FROM t", "SELECT 2"]);
  });

  it("does not nest block comments", () => {
    expect(split("/* a /* b */ SELECT 1; SELECT 2")).toEqual(["SELECT 1", "SELECT 2"]);
  });
});

describe("splitSqlStatements (sqlite)", () => {
  const split = (sql: string) => splitSqlStatements(sql, "sqlite");

  it("keeps CREATE TRIGGER … BEGIN … END bodies whole, with CASE inside", () => {
    const trigger = `CREATE TEMP TRIGGER IF NOT EXISTS audit AFTER UPDATE ON t
WHEN NEW.a <> OLD.a
BEGIN
  INSERT INTO log VALUES (NEW.id, 'a;b');
  UPDATE t SET b = CASE WHEN NEW.a > 0 THEN 1 ELSE 0 END WHERE id = NEW.id;
  SELECT RAISE(IGNORE) WHERE NEW.a IS NULL;
END`;
    expect(split(`CREATE TABLE log (id, v);\n${trigger};\nINSERT INTO t VALUES (1);`)).toEqual([
      "CREATE TABLE log (id, v)",
      trigger,
      "INSERT INTO t VALUES (1)",
    ]);
  });

  it("keeps [bracketed] and `backticked` names whole", () => {
    expect(split("CREATE TABLE [a;b] (`c;d` int, [e]] int); SELECT 1")).toEqual([
      "CREATE TABLE [a;b] (`c;d` int, [e]] int)",
      "SELECT 1",
    ]);
  });

  it("takes backslashes literally inside strings", () => {
    expect(split("SELECT 'a\\'; SELECT 2")).toEqual(["SELECT 'a\\'", "SELECT 2"]);
  });

  it("keeps $ parameters as code", () => {
    expect(split("SELECT $a; SELECT $$b")).toEqual(["SELECT $a", "SELECT $$b"]);
  });

  it("does not treat DELIMITER lines as directives", () => {
    expect(split("DELIMITER //\nSELECT 1;")).toEqual(["DELIMITER //\nSELECT 1"]);
  });
});

describe.each(DIALECTS)("splitSqlStatements (%s): generated scripts", (dialect) => {
  const shared = ["'a;b'", "'it''s; ok'", '"n;m"', "/* c; d */", "-- line; comment\n", "(1; 2)", "x1", "42", "t.col"];
  const own: Record<SqlDialect, string[]> = {
    postgres: ["$$a; b$$", "$tag$ x; $$ y; $tag$", "E'q\\'; r'", "/* outer /* inner; */ still; */", "a$b"],
    mysql: ["'q\\'; r'", '"s\\"; t"', "`i;j`", "# hash; comment\n", "/*!40101 SELECT 1 */"],
    sqlite: ["[a;b]", "`i;j`", "'q\\'", "$param"],
  };
  const atom = fc.constantFrom(...shared, ...own[dialect]);
  // Each statement starts and ends with code, so nothing it holds is taken for a leading comment
  // and a closing line comment cannot swallow the separator.
  const statement = fc.array(atom, { maxLength: 6 }).map((atoms) => ["SELECT", ...atoms, "1"].join(" "));
  const separator = fc.constantFrom(";", ";\n", " ;\r\n\r\n", ";\n-- note; here\n", ";\n/* block; */\n", ";;\n");

  it("gives back exactly the statements a script was joined from", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(statement, separator), { minLength: 1, maxLength: 6 }), (parts) => {
        const script = parts.map(([sql, end]) => sql + end).join("");
        expect(splitSqlStatements(script, dialect)).toEqual(parts.map(([sql]) => sql));
      }),
      { numRuns: 300 },
    );
  });
});
