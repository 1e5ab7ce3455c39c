/**
 * PostgreSQL array literals (`{a,"b c",NULL}`), the text form of an array column's default.
 * The snapshot keeps an array default as the JSON text of its elements (`["a","b c",null]`);
 * these two functions convert between that and what PostgreSQL reads and prints.
 */

/**
 * The elements of a one-dimensional array literal, `null` for NULL; `null` when the text is not
 * such a literal (a nested or decorated array, say).
 *
 * @example parseArrayLiteral('{a,"b c",NULL}') // → ["a", "b c", null]
 */
export function parseArrayLiteral(text: string): (string | null)[] | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) return null;
  const inner = trimmed.slice(1, -1);
  const items: (string | null)[] = [];
  let i = skipSpaces(inner, 0);
  if (i === inner.length) return items;
  while (i <= inner.length) {
    const element = inner[i] === '"' ? readQuoted(inner, i) : readBare(inner, i);
    if (!element) return null;
    items.push(element.value);
    i = skipSpaces(inner, element.end);
    if (i === inner.length) return items;
    if (inner[i] !== ",") return null;
    i = skipSpaces(inner, i + 1);
  }
  return null;
}

/**
 * An array literal PostgreSQL reads back as these elements, quoted the way it prints them
 * (only when needed), so the literal written is also the one introspection shows.
 *
 * @example arrayLiteral(["a", "b c", null]) // → '{a,"b c",NULL}'
 */
export function arrayLiteral(elements: readonly (string | null)[]): string {
  return `{${elements.map(element).join(",")}}`;
}

// internal

function element(value: string | null): string {
  if (value === null) return "NULL";
  if (value === "" || /[{},"\\\s]/.test(value) || /^null$/i.test(value)) {
    return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
  }
  return value;
}

function skipSpaces(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

function readQuoted(text: string, start: number): { value: string; end: number } | null {
  let value = "";
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "\\") {
      i++;
      if (i >= text.length) return null;
      value += text[i];
    } else if (ch === '"') {
      return { value, end: i + 1 };
    } else {
      value += ch;
    }
  }
  return null;
}

function readBare(text: string, start: number): { value: string | null; end: number } | null {
  let value = "";
  let i = start;
  for (; i < text.length && text[i] !== ","; i++) {
    const ch = text[i]!;
    if (ch === "{" || ch === "}" || ch === '"') return null;
    if (ch === "\\") {
      i++;
      if (i >= text.length) return null;
      value += text[i];
    } else {
      value += ch;
    }
  }
  const trimmed = value.trim();
  if (trimmed === "") return null;
  return { value: /^null$/i.test(trimmed) ? null : trimmed, end: i };
}
