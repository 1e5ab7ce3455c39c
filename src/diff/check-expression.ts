/**
 * CHECK expressions (and partial-index predicates) in one canonical spelling, for comparison only:
 * never sent to a server. Servers store what they were given rewritten — PostgreSQL parenthesises
 * every operation, turns `x BETWEEN 1 AND 9` into `x >= 1 AND x <= 9`, `s IN ('a', 'b')` into
 * `s = ANY (ARRAY['a', 'b'])` and `LIKE` into `~~`; MariaDB pushes `NOT` inwards (`NOT (x = 1)` is
 * `x <> 1`), writes `true` as `1` and `lower` as `lcase` — so the text a user wrote and the text read
 * back differ although the constraint is the same, and push would re-create it on every run.
 *
 * The expression is parsed with SQL's precedence into a tree, rewritten only by equivalences that
 * hold in SQL's three-valued logic on every dialect (a tree equal to another one is the same
 * constraint), and printed with a parenthesis around every operation. What this grammar does not
 * read (subqueries, `CAST(… AS …)`, typed literals, bitwise operators…) falls back to a token form
 * that is only ever equal to the same expression, spelled the same way.
 */

/** A parsed expression. */
type Node =
  | { kind: "atom"; text: string }
  | { kind: "call"; name: string; args: Node[] }
  | { kind: "array"; items: Node[] }
  | { kind: "unary"; op: string; arg: Node }
  | { kind: "not"; arg: Node }
  | { kind: "and" | "or"; args: Node[] }
  | { kind: "binary"; op: string; left: Node; right: Node }
  | { kind: "is"; arg: Node; negated: boolean; what: string }
  | { kind: "case"; subject: Node | null; branches: [Node, Node][]; otherwise: Node | null };

/**
 * `expression` in the canonical spelling; two expressions with the same spelling are the same
 * constraint.
 *
 * @example canonicalCheckExpression("(`Price` >  0)") // → "price > 0"
 * @example canonicalCheckExpression("((x >= 1) AND (x <= 9))") === canonicalCheckExpression("x BETWEEN 1 AND 9") // → true
 */
export function canonicalCheckExpression(expression: string): string {
  const tokens = stripCasts(checkTokens(expression));
  const tree = parse(tokens);
  if (!tree) return `~${stripGroups(tokens).join(" ")}`;
  return print(tree, false);
}

// tokens

/** Tokens of an expression: string literals kept (re-quoted), words lower-cased and unquoted. */
function checkTokens(expression: string): string[] {
  const tokens: string[] = [];
  const pattern =
    /'((?:[^'\\]|\\.|'')*)'|`((?:[^`]|``)*)`|"((?:[^"]|"")*)"|(\d+(?:\.\d+)?(?:e[+-]?\d+)?)|([A-Za-z_][\w$]*)|(::|<=>|<>|!=|<=|>=|\|\||&&|!~~\*|!~~|~~\*|~~|!~\*|!~|~\*|\S)/gi;
  for (const match of expression.matchAll(pattern)) {
    const [, literal, backtick, doubled, number, word, symbol] = match;
    if (literal !== undefined) tokens.push(`'${literal.replace(/\\'|''/g, "''")}'`);
    else if (backtick !== undefined) tokens.push(`"${backtick.replaceAll("``", "`").toLowerCase()}`);
    else if (doubled !== undefined) tokens.push(`"${doubled.replaceAll('""', '"').toLowerCase()}`);
    else if (number !== undefined) tokens.push(number.toLowerCase());
    else if (word !== undefined) tokens.push(word.toLowerCase());
    else if (symbol !== undefined) tokens.push(symbol === "!=" ? "<>" : symbol);
  }
  return tokens;
}

/** A quoted identifier's token starts with `"`; it is a name even where the same word is a keyword. */
function isQuotedName(token: string | undefined): boolean {
  return token?.startsWith('"') === true;
}

/** The text a token stands for in the output: a quoted identifier prints like a bare one. */
function tokenText(token: string): string {
  return isQuotedName(token) ? token.slice(1) : token;
}

/** Words that continue a type name after its first word (`character varying`, `timestamp with time zone`). */
const TYPE_NAME_WORDS = new Set(["varying", "precision", "with", "without", "time", "zone"]);

const NUMERIC_TYPES = new Set([
  "integer",
  "int",
  "int2",
  "int4",
  "int8",
  "smallint",
  "bigint",
  "numeric",
  "decimal",
  "real",
  "double",
  "float4",
  "float8",
]);

/**
 * Removes PostgreSQL's `::type` casts, which it adds to literals and columns when it stores a check
 * (`fee >= 0` comes back as `fee >= (0)::numeric`): a cast the author did not write is not a change.
 */
function stripCasts(tokens: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] !== "::" || !/^"?[a-z_]/.test(tokens[i + 1] ?? "")) {
      out.push(tokens[i]!);
      continue;
    }
    i++;
    // A negative constant comes back as a string cast to its type (`> -5` as `> '-5'::integer`).
    const number = /^'(-?)(\d+(?:\.\d+)?)'$/.exec(out.at(-1) ?? "");
    if (number && NUMERIC_TYPES.has(tokens[i]!)) out.splice(-1, 1, ...(number[1] ? ["-", number[2]!] : [number[2]!]));
    while (TYPE_NAME_WORDS.has(tokens[i + 1] ?? "")) i++;
    if (tokens[i + 1] === "(") i = closingOf(tokens, i + 1);
    while (tokens[i + 1] === "[" && tokens[i + 2] === "]") i += 2;
  }
  return out;
}

/** The fallback's spelling: parentheses around the whole list, and around one token not after a name, removed. */
function stripGroups(tokens: string[]): string[] {
  let current = tokens.map(tokenText);
  while (current[0] === "(" && closingOf(current, 0) === current.length - 1) current = current.slice(1, -1);
  const out: string[] = [];
  for (let i = 0; i < current.length; i++) {
    const single = current[i] === "(" && current[i + 2] === ")" && current[i + 1] !== "(";
    const call = i > 0 && /^[a-z_][\w$]*$/.test(current[i - 1]!) && !KEYWORDS.has(current[i - 1]!);
    if (single && !call) {
      out.push(current[i + 1]!);
      i += 2;
    } else out.push(current[i]!);
  }
  return out;
}

function closingOf(tokens: readonly string[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i] === "(") depth++;
    else if (tokens[i] === ")" && --depth === 0) return i;
  }
  return -1;
}

// parsing

/** Words that are never a column or function name here. */
const KEYWORDS = new Set([
  "and",
  "or",
  "xor",
  "not",
  "is",
  "in",
  "like",
  "ilike",
  "regexp",
  "rlike",
  "glob",
  "similar",
  "escape",
  "between",
  "symmetric",
  "case",
  "when",
  "then",
  "else",
  "end",
  "null",
  "true",
  "false",
  "unknown",
  "distinct",
  "from",
  "as",
  "for",
  "select",
  "any",
  "all",
  "some",
  "array",
  "interval",
  "collate",
  "mod",
  "div",
]);

/** Comparison operators and the one each negates to. */
const NEGATED_COMPARISON: Record<string, string> = {
  "=": "<>",
  "<>": "=",
  "<": ">=",
  ">=": "<",
  ">": "<=",
  "<=": ">",
};
const COMPARISONS = new Set([...Object.keys(NEGATED_COMPARISON), "<=>", "~", "~*", "!~", "!~*"]);

/** PostgreSQL's operator spelling of pattern matches, and MariaDB's synonym, as the keyword. */
const PATTERN_OPERATORS: Record<string, string> = {
  "~~": "like",
  "~~*": "ilike",
  "!~~": "not like",
  "!~~*": "not ilike",
};
const PATTERN_WORDS: Record<string, string> = {
  like: "like",
  ilike: "ilike",
  regexp: "regexp",
  rlike: "regexp",
  glob: "glob",
};

/** Function names that are synonyms on every dialect that has both (or that has only one of them). */
const FUNCTION_SYNONYMS: Record<string, string> = {
  lcase: "lower",
  ucase: "upper",
  substring: "substr",
  mid: "substr",
  character_length: "char_length",
};

class ParseFailure extends Error {}

/** The tree of `tokens`, or null when they are not an expression this grammar reads. */
function parse(tokens: readonly string[]): Node | null {
  let at = 0;
  const peek = (offset = 0) => tokens[at + offset];
  const isWord = (word: string, offset = 0) => peek(offset) === word;
  const take = (word: string) => {
    if (peek() !== word) throw new ParseFailure(word);
    at++;
  };

  const or = (): Node => {
    let node = xor();
    while (isWord("or")) {
      at++;
      node = junction("or", node, xor());
    }
    return node;
  };
  const xor = (): Node => {
    let node = and();
    while (isWord("xor")) {
      at++;
      node = { kind: "binary", op: "xor", left: node, right: and() };
    }
    return node;
  };
  const and = (): Node => {
    let node = not();
    while (isWord("and") || peek() === "&&") {
      at++;
      node = junction("and", node, not());
    }
    return node;
  };
  const not = (): Node => {
    if (isWord("not")) {
      at++;
      return negate(not());
    }
    return predicate();
  };
  // PostgreSQL's precedence: IN, BETWEEN and pattern matches bind tighter than comparisons, which
  // bind tighter than IS.
  const predicate = (): Node => {
    let node = comparisons();
    while (isWord("is")) {
      at++;
      const negated = isWord("not");
      if (negated) at++;
      const what = peek();
      if (what === "null" || what === "true" || what === "false" || what === "unknown") {
        at++;
        node = { kind: "is", arg: node, negated, what };
      } else if (what === "distinct" && isWord("from", 1)) {
        at += 2;
        node = { kind: "is", arg: node, negated, what: `distinct from ${print(comparisons())}` };
      } else throw new ParseFailure("is");
    }
    return node;
  };
  const comparisons = (): Node => {
    let node = matches();
    for (let token = peek(); token !== undefined && COMPARISONS.has(token); token = peek()) {
      at++;
      node = comparison(token, node);
    }
    return node;
  };
  const matches = (): Node => {
    let node = concat();
    for (;;) {
      const token = peek();
      if (token !== undefined && Object.hasOwn(PATTERN_OPERATORS, token)) {
        at++;
        node = pattern(PATTERN_OPERATORS[token]!, node, concat());
      } else if (isWord("not") && (isWord("in", 1) || isWord("between", 1) || patternWord(1))) {
        at++;
        node = negate(postfix(node));
      } else if (isWord("in") || isWord("between") || patternWord(0)) {
        node = postfix(node);
      } else return node;
    }
  };
  const patternWord = (offset: number) => {
    const word = peek(offset);
    return word !== undefined && Object.hasOwn(PATTERN_WORDS, word);
  };
  /** IN, BETWEEN or a pattern match after `left`, the word at `at`. */
  const postfix = (left: Node): Node => {
    if (isWord("in")) {
      at++;
      take("(");
      if (isWord("select")) throw new ParseFailure("subquery");
      const items = list(")");
      if (items.length === 0) throw new ParseFailure("in ()");
      return junction("or", ...items.map((item): Node => ({ kind: "binary", op: "=", left, right: item })));
    }
    if (isWord("between")) {
      at++;
      if (isWord("symmetric")) throw new ParseFailure("symmetric");
      const low = concat();
      take("and");
      const high = concat();
      return junction(
        "and",
        { kind: "binary", op: ">=", left, right: low },
        { kind: "binary", op: "<=", left, right: high },
      );
    }
    const word = PATTERN_WORDS[peek()!]!;
    at++;
    return pattern(word, left, concat());
  };
  const pattern = (op: string, left: Node, right: Node): Node => {
    if (isWord("escape")) throw new ParseFailure("escape");
    return op.startsWith("not ")
      ? negate({ kind: "binary", op: op.slice(4), left, right })
      : { kind: "binary", op, left, right };
  };
  /** `left op right`, where `= ANY (ARRAY[…])` and `<> ALL (ARRAY[…])` are IN and NOT IN. */
  const comparison = (op: string, left: Node): Node => {
    const quantifier = peek();
    if ((quantifier === "any" || quantifier === "some" || quantifier === "all") && isWord("(", 1)) {
      at += 2;
      const inner = or();
      take(")");
      if (inner.kind === "array" && inner.items.length > 0 && (op === "=" || op === "<>")) {
        const each = inner.items.map((item): Node => ({ kind: "binary", op, left, right: item }));
        if (op === "=" && quantifier !== "all") return junction("or", ...each);
        if (op === "<>" && quantifier === "all") return junction("and", ...each);
      }
      return {
        kind: "binary",
        op,
        left,
        right: { kind: "call", name: quantifier === "some" ? "any" : quantifier, args: [inner] },
      };
    }
    return { kind: "binary", op, left, right: matches() };
  };
  const concat = (): Node => {
    let node = additive();
    while (peek() === "||") {
      at++;
      node = { kind: "binary", op: "||", left: node, right: additive() };
    }
    return node;
  };
  const additive = (): Node => {
    let node = multiplicative();
    while (peek() === "+" || peek() === "-") {
      const op = tokens[at++]!;
      node = { kind: "binary", op, left: node, right: multiplicative() };
    }
    return node;
  };
  const multiplicative = (): Node => {
    let node = unary();
    for (;;) {
      const token = peek();
      if (token !== "*" && token !== "/" && token !== "%" && token !== "mod" && token !== "div") return node;
      at++;
      node = { kind: "binary", op: token === "mod" ? "%" : token, left: node, right: unary() };
    }
  };
  const unary = (): Node => {
    const token = peek();
    if (token === "-" || token === "+") {
      at++;
      return { kind: "unary", op: token, arg: unary() };
    }
    if (token === "!") {
      at++;
      return negate(unary());
    }
    return primary();
  };
  const primary = (): Node => {
    const token = peek();
    if (token === undefined) throw new ParseFailure("end");
    at++;
    if (token === "(") {
      const inner = or();
      take(")");
      return inner;
    }
    if (token.startsWith("'") || /^\d/.test(token)) return { kind: "atom", text: token };
    if (token === "null") return { kind: "atom", text: "null" };
    // MariaDB stores a boolean literal as the integer it is there; PostgreSQL accepts neither in
    // the other's place, so the two spellings never name different valid constraints.
    if (token === "true" || token === "false") return { kind: "atom", text: token === "true" ? "1" : "0" };
    if (token === "case") return caseExpression();
    if (token === "array" && isWord("[")) {
      at++;
      return { kind: "array", items: list("]") };
    }
    if (!isQuotedName(token) && (KEYWORDS.has(token) || !/^[a-z_]/.test(token))) throw new ParseFailure(token);
    if (!isQuotedName(token) && isWord("(")) {
      at++;
      const name = Object.hasOwn(FUNCTION_SYNONYMS, token) ? FUNCTION_SYNONYMS[token]! : token;
      if (!isWord("*")) return { kind: "call", name, args: list(")") };
      at++;
      take(")");
      return { kind: "call", name, args: [{ kind: "atom", text: "*" }] };
    }
    let name = tokenText(token);
    while (isWord(".") && tokens[at + 1] !== undefined) {
      const part = tokens[at + 1]!;
      if (!isQuotedName(part) && !/^[a-z_]/.test(part)) throw new ParseFailure(".");
      name = `${name}.${tokenText(part)}`;
      at += 2;
    }
    return { kind: "atom", text: name };
  };
  const caseExpression = (): Node => {
    const subject = isWord("when") ? null : or();
    const branches: [Node, Node][] = [];
    while (isWord("when")) {
      at++;
      const condition = or();
      take("then");
      branches.push([condition, or()]);
    }
    if (branches.length === 0) throw new ParseFailure("case");
    let otherwise: Node | null = null;
    if (isWord("else")) {
      at++;
      otherwise = or();
    }
    take("end");
    return { kind: "case", subject, branches, otherwise };
  };
  /** Comma-separated expressions up to `close` (consumed); none when it follows at once. */
  const list = (close: string): Node[] => {
    const items: Node[] = [];
    if (isWord(close)) {
      at++;
      return items;
    }
    for (;;) {
      items.push(or());
      if (isWord(",")) at++;
      else break;
    }
    take(close);
    return items;
  };

  try {
    const tree = or();
    return at === tokens.length ? tree : null;
  } catch (error) {
    if (error instanceof ParseFailure) return null;
    throw error;
  }
}

/** `a AND b` / `a OR b` as one flat list, so that grouping does not matter. */
function junction(kind: "and" | "or", ...parts: Node[]): Node {
  const args = parts.flatMap((part) => (part.kind === kind ? part.args : [part]));
  return args.length === 1 ? args[0]! : { kind, args };
}

/**
 * `NOT node`, pushed inwards as MariaDB does when it stores a check: each step (De Morgan, a
 * comparison for its complement, `IS` for `IS NOT`, a double negation) keeps the value in SQL's
 * three-valued logic, NULL included.
 */
function negate(node: Node): Node {
  switch (node.kind) {
    case "not":
      return node.arg;
    case "and":
      return junction("or", ...node.args.map(negate));
    case "or":
      return junction("and", ...node.args.map(negate));
    case "is":
      return { ...node, negated: !node.negated };
    case "binary": {
      const complement = NEGATED_COMPARISON[node.op];
      if (complement && !(node.right.kind === "call" && (node.right.name === "any" || node.right.name === "all")))
        return { ...node, op: complement };
      return { kind: "not", arg: node };
    }
    default:
      return { kind: "not", arg: node };
  }
}

// printing

/** The canonical text of `node`, each operation in parentheses (but the outermost when not `grouped`). */
function print(node: Node, grouped = true): string {
  const group = (text: string) => (grouped ? `(${text})` : text);
  switch (node.kind) {
    case "atom":
      return node.text;
    case "call":
      return `${node.name}(${node.args.map((arg) => print(arg)).join(", ")})`;
    case "array":
      return `array[${node.items.map((item) => print(item)).join(", ")}]`;
    case "unary":
      return group(`${node.op}${print(node.arg)}`);
    case "not":
      return group(`not ${print(node.arg)}`);
    case "and":
    case "or":
      return group(node.args.map((arg) => print(arg)).join(` ${node.kind} `));
    case "binary":
      return group(`${print(node.left)} ${node.op} ${print(node.right)}`);
    case "is":
      return group(`${print(node.arg)} is ${node.negated ? "not " : ""}${node.what}`);
    case "case": {
      const subject = node.subject ? ` ${print(node.subject)}` : "";
      const branches = node.branches.map(([when, then]) => ` when ${print(when)} then ${print(then)}`).join("");
      const otherwise = node.otherwise ? ` else ${print(node.otherwise)}` : "";
      return group(`case${subject}${branches}${otherwise} end`);
    }
  }
}
