/**
 * SQL fragments a schema carries into DDL (CHECK expressions, partial-index predicates) are pasted
 * inside brackets or at a statement's end. A line comment would swallow the closing bracket, a `;`
 * would split the statement in a migration file, and an unbalanced bracket would end the clause
 * early; each is refused when the schema is read, not when the server rejects the DDL.
 */

/**
 * Why `sql` cannot be pasted into DDL as one fragment, or `null` when it can. String literals and
 * quoted identifiers are skipped, so `note <> '--'` is fine.
 *
 * @example fragmentProblem("amount >= 0 -- no refunds") // → "contains a line comment (--), which would swallow the rest of the statement"
 */
export function fragmentProblem(sql: string): string | null {
  let depth = 0;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"' || ch === "`") {
      const end = closingQuote(sql, i, ch);
      if (end < 0) return `has an unterminated ${ch} quote`;
      i = end;
    } else if (ch === "-" && sql[i + 1] === "-") {
      return "contains a line comment (--), which would swallow the rest of the statement";
    } else if (ch === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      if (end < 0) return "has an unterminated /* comment";
      i = end + 1;
    } else if (ch === ";") {
      return "contains a `;`, which would end the statement";
    } else if (ch === "(") {
      depth++;
    } else if (ch === ")") {
      if (--depth < 0) return "closes a bracket it did not open";
    }
  }
  return depth === 0 ? null : "leaves a bracket open";
}

// internal

/** Index of the quote closing the one at `open` (a doubled quote, or a backslash in a string, escapes). */
function closingQuote(sql: string, open: number, quote: string): number {
  for (let i = open + 1; i < sql.length; i++) {
    if (quote === "'" && sql[i] === "\\") i++;
    else if (sql[i] === quote) {
      if (sql[i + 1] !== quote) return i;
      i++;
    }
  }
  return -1;
}
