/**
 * Progress of long work (applying or rolling back many migrations, a push), rendered from the
 * runtime's `onEvent` on stderr, so stdout keeps only the result (and `--json` stays one document).
 */
import type { MigrationEvent } from "../runtime/index.js";
import type { Output, Palette } from "./output.js";

/** The migration client's `onEvent`, with the count of migrations expected. */
export interface Progress {
  onEvent(event: MigrationEvent): void;
  /** How many migrations the command expects to run, for "[3/10]"; `undefined` when unknown. */
  expect(total: number | undefined): void;
}

/**
 * Progress on stderr: one line per finished migration ("[2/5] ↑ 20261126184000_add-users  12 ms"),
 * the running one shown in place on a terminal. Silent with `--json`.
 *
 * @example createMigrationClient(client, { onEvent: createProgress(output, stderrColors).onEvent });
 */
export function createProgress(output: Output, color: Palette): Progress {
  let total: number | undefined;
  let done = 0;
  const counter = () => color.dim(total === undefined ? `[${done + 1}]` : `[${done + 1}/${total}]`);
  return {
    expect(count) {
      total = count;
      done = 0;
    },
    onEvent(event) {
      if (output.json) return;
      switch (event.type) {
        case "migration:start": {
          const verb = event.direction === "up" ? "applying" : "rolling back";
          output.transient(`${counter()} ${verb} ${event.migration.id}…`);
          return;
        }
        case "migration:done": {
          const arrow = event.direction === "up" ? color.green("↑") : color.yellow("↓");
          output.note(`${counter()} ${arrow} ${event.migration.id}  ${color.dim(`${event.ms} ms`)}`);
          done += 1;
          return;
        }
        case "migration:skipped":
          output.note(`${counter()} ${color.dim(`${event.migration.id}: done meanwhile by another process`)}`);
          done += 1;
          return;
        case "push:start":
          output.transient(`running ${event.statements} statements…`);
          return;
        case "push:done":
          output.transient("");
          return;
      }
    },
  };
}
