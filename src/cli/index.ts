#!/usr/bin/env node
/**
 * @module viborm CLI (the `viborm` bin): `viborm push`, `viborm migrate generate | apply | status |
 * rollback | reset`. Node only. Run `viborm --help`.
 */
import { runCli } from "./program.js";

// A reader that went away (`viborm --help | head`) is not a failure: stop quietly, as `git` does.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

const code = await runCli({
  argv: process.argv,
  cwd: process.cwd(),
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
// Exit explicitly once the output is flushed: a pool the user's config keeps open (one the client
// did not open itself, so `$close` leaves it) must not keep a CI job waiting.
await Promise.all([flush(process.stdout), flush(process.stderr)]);
process.exit(code);

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write("", () => resolve()));
}
