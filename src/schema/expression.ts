/**
 * Column references inside SQL a schema carries (CHECK expressions, partial-index predicates).
 * PostgreSQL, MySQL/MariaDB and SQLite all rewrite a stored check or predicate when a column it
 * names is renamed, so the snapshot does the same: a rename then plans no drop and re-create.
 */

/**
 * `expression` with each reference to column `from` renamed to `to`; `null` when a bare reference
 * would need quoting to name `to` (the quote differs per dialect), so the caller keeps the text and
 * the diff re-creates the constraint instead. String literals and function names are left alone.
 *
 * @example renameColumnReferences(`amount > 0 AND "amount" < 9 AND 'amount' <> x`, "amount", "total") // → `total > 0 AND "total" < 9 AND 'amount' <> x`
 */
export function renameColumnReferences(expression: string, from: string, to: string): string | null {
  let out = "";
  let last = 0;
  let quotable = true;
  forEachReference(expression, (reference) => {
    if (!names(reference, from)) return;
    if (reference.quote === null && !/^[a-z_][a-z0-9_]*$/.test(to)) quotable = false;
    const q = reference.quote;
    out += expression.slice(last, reference.start) + (q === null ? to : q + to.replaceAll(q, q + q) + q);
    last = reference.end;
  });
  return quotable ? out + expression.slice(last) : null;
}

/**
 * Whether `expression` names column `column` (bare, in any letter case, or quoted exactly).
 *
 * @example referencesColumn(`"parentId" IS NULL OR parentId > 0`, "parentId") // → true
 */
export function referencesColumn(expression: string, column: string): boolean {
  let found = false;
  forEachReference(expression, (reference) => {
    if (names(reference, column)) found = true;
  });
  return found;
}

// internal

interface Reference {
  /** The name, unquoted. */
  name: string;
  quote: '"' | "`" | null;
  start: number;
  end: number;
}

/** A bare name matches in any letter case (databases fold it), a quoted one exactly. */
function names(reference: Reference, column: string): boolean {
  return reference.quote === null ? reference.name.toLowerCase() === column.toLowerCase() : reference.name === column;
}

/** Each identifier of `expression` that may name a column: not in a string literal, not a function called. */
function forEachReference(expression: string, visit: (reference: Reference) => void): void {
  for (let i = 0; i < expression.length; ) {
    const ch = expression[i]!;
    if (ch === "'") {
      i = afterQuoted(expression, i, "'");
    } else if (ch === '"' || ch === "`") {
      const end = afterQuoted(expression, i, ch);
      visit({ name: expression.slice(i + 1, end - 1).replaceAll(ch + ch, ch), quote: ch, start: i, end });
      i = end;
    } else if (/[A-Za-z_]/.test(ch)) {
      let end = i + 1;
      while (end < expression.length && /[\w$]/.test(expression[end]!)) end++;
      if (!isCall(expression, end)) visit({ name: expression.slice(i, end), quote: null, start: i, end });
      i = end;
    } else if (/\d/.test(ch)) {
      // A number's digits and exponent are not words (`1e5`).
      while (i < expression.length && /[\w.]/.test(expression[i]!)) i++;
    } else {
      i++;
    }
  }
}

/** Index just past the quote closing the one at `open` (a doubled quote escapes). */
function afterQuoted(text: string, open: number, quote: string): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] !== quote) continue;
    if (text[i + 1] === quote) i++;
    else return i + 1;
  }
  return text.length;
}

function isCall(text: string, end: number): boolean {
  return /^\s*\(/.test(text.slice(end));
}
