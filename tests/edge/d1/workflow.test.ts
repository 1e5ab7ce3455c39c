/**
 * `viborm/d1` through the migration client on Miniflare's D1, round trips counted on the binding
 * (each `batch()` and each statement's `all()` is one).
 */
import { createClient } from "viborm/d1";
import { type BindingCalls, countingBinding, emptyD1, sharedD1 } from "../fixtures/d1.js";
import { describeD1Workflow } from "../fixtures/d1-suite.js";

describeD1Workflow("viborm/d1", async () => {
  const { binding } = await sharedD1();
  await emptyD1(binding);
  const calls: BindingCalls[] = [];
  return {
    client(schema, hold) {
      const counted = countingBinding(binding, hold);
      calls.push(counted.calls);
      return createClient({ schema, database: counted.database });
    },
    roundTrips: () => calls.reduce((sum, made) => sum + made.roundTrips, 0),
    sent: () => calls.flatMap((made) => made.statements),
  };
});
