/**
 * Terminal prompts (only when a person is there: see `Output.interactive`). One key answers each
 * question, so a scripted terminal drives them as easily as a person.
 */
import type { Change } from "../runtime/index.js";
import type { Decision } from "./decisions.js";
import type { Output } from "./output.js";
import { describeChange, sqlLines } from "./render.js";

/**
 * The person cancelled a question (Ctrl-C, Esc): the command stops at once, exit 130, as a
 * terminal program interrupted by SIGINT does. Choosing "abort" is an answer, not this.
 */
export class PromptCancelled extends Error {
  constructor() {
    super("aborted");
    this.name = "PromptCancelled";
  }
}

/** The questions the CLI asks. */
export interface Prompter {
  /** One destructive or ambiguous change: the decision, or "abort". */
  decide(change: Change): Promise<Decision | "abort">;
  /** Once, before running: true to go ahead. `sql` (if any) is shown when asked for. */
  confirm(message: string, sql: readonly string[]): Promise<boolean>;
}

/**
 * The prompts on the process's terminal (@clack/prompts).
 *
 * @example const answer = await createTerminalPrompter(output).decide(change);
 */
export function createTerminalPrompter(output: Output): Prompter {
  const { color } = output;
  // Loaded on the first question: most runs (and every CI run) ask none.
  const clack = () => import("@clack/prompts");
  return {
    async decide(change) {
      const { isCancel, selectKey } = await clack();
      if (change.type === "ambiguous") {
        const what = change.kind === "renameTable" ? "table" : "column";
        const answer = await selectKey({
          message: change.description,
          // Abort first: a cancelled question shows its first option, which must not read as consent.
          options: [
            { value: "q", label: "abort" },
            { value: "r", label: `rename ${what} ${change.from} → ${change.to}`, hint: "keeps the data" },
            {
              value: "d",
              label: `add ${change.to} and drop ${change.from}`,
              hint: `the data in ${change.from} is lost`,
            },
          ],
        });
        if (isCancel(answer)) throw new PromptCancelled();
        if (answer === "q") return "abort";
        return answer === "r" ? "rename" : "addAndDrop";
      }
      const answer = await selectKey({
        message: `${color.red("Data loss:")} ${describeChange(change)}`,
        options: [
          { value: "q", label: "abort" },
          { value: "y", label: "proceed", hint: "the data is lost" },
        ],
      });
      if (isCancel(answer)) throw new PromptCancelled();
      return answer === "q" ? "abort" : "proceed";
    },
    async confirm(message, sql) {
      const { isCancel, selectKey } = await clack();
      for (;;) {
        const answer = await selectKey({
          message,
          options: [
            { value: "n", label: "no, abort" },
            { value: "y", label: "yes, go on" },
            ...(sql.length > 0 ? [{ value: "s", label: "show the SQL" }] : []),
          ],
        });
        if (isCancel(answer)) throw new PromptCancelled();
        if (answer === "n") return false;
        if (answer === "y") return true;
        output.print();
        for (const line of sqlLines(sql, color)) output.print(line);
        output.print();
      }
    },
  };
}
