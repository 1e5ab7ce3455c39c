/**
 * The live progress line of `viborm fleet …` on a terminal's stderr: done / failed / running, the
 * rate and the time left (when the number of tenants is known), redrawn at most ten times a second.
 * A failed tenant is also noted on its own line as it fails, terminal or not.
 */
import type { FleetEvent } from "../fleet/index.js";
import type { Output, Palette } from "./output.js";

/** The fleet's `onEvent`, with the total when the CLI learns it. */
export interface FleetProgress {
  onEvent(event: FleetEvent): void;
  /** The number of tenants, once known (an array source); the line then shows the time left. */
  setTotal(total: number): void;
  /** Clears the line. */
  finish(): void;
}

/**
 * Progress for one fleet command; silent with `--json`.
 *
 * @example const progress = createFleetProgress(output, stderrColors, "applying");
 */
export function createFleetProgress(
  output: Output,
  color: Palette,
  verb: string,
  now: () => number = Date.now,
): FleetProgress {
  const started = now();
  const counts = { done: 0, failed: 0, running: 0 };
  let total: number | undefined;
  let drawnAt = 0;
  const draw = (force: boolean) => {
    const at = now();
    if (!force && at - drawnAt < 100) return;
    drawnAt = at;
    output.transient(progressLine({ ...counts, total, elapsedMs: at - started, verb }, color));
  };
  return {
    setTotal(count) {
      total = count;
    },
    onEvent(event) {
      if (output.json) return;
      switch (event.type) {
        case "tenant:start":
          counts.running += 1;
          break;
        case "tenant:done":
          counts.running -= 1;
          counts.done += 1;
          break;
        case "tenant:failed":
          counts.running -= 1;
          counts.failed += 1;
          output.note(`${color.red("✖")} ${event.tenant}  ${color.bold(event.error.code)}  ${event.error.message}`);
          break;
      }
      draw(event.type === "tenant:failed");
    },
    finish() {
      if (!output.json) output.transient("");
    },
  };
}

/** What the progress line shows. */
export interface ProgressState {
  verb: string;
  done: number;
  failed: number;
  running: number;
  total: number | undefined;
  elapsedMs: number;
}

/**
 * The progress line, e.g. "applying  120/1000 done · 2 failed · 8 running · 35.2/s · ~25 s left".
 *
 * @example progressLine({ verb: "applying", done: 1, failed: 0, running: 2, total: 10, elapsedMs: 1000 }, palette)
 */
export function progressLine(state: ProgressState, color: Palette): string {
  const finished = state.done + state.failed;
  const seconds = state.elapsedMs / 1000;
  const rate = seconds > 0 ? finished / seconds : 0;
  const parts = [
    state.total === undefined ? `${finished} done` : `${finished}/${state.total} done`,
    state.failed > 0 ? color.red(`${state.failed} failed`) : `${state.failed} failed`,
    `${state.running} running`,
    `${rate.toFixed(1)}/s`,
  ];
  if (state.total !== undefined && rate > 0) parts.push(`~${duration((state.total - finished) / rate)} left`);
  return `${color.bold(state.verb)}  ${parts.join(color.dim(" · "))}`;
}

/** "42 s", "3 min 5 s", "2 h 10 min". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
