/**
 * One seed for every property test, so a run is repeatable and CI deterministic: the same cases pass
 * or fail on every machine. `VIBORM_PROPERTY_SEED=<n>` replays a seed fast-check printed;
 * `VIBORM_PROPERTY_SEED=random` explores new cases (each failure prints its seed to replay).
 */
import fc from "fast-check";

const DEFAULT_SEED = 20261204;

const wanted = process.env.VIBORM_PROPERTY_SEED;
if (wanted !== "random") {
  const seed = wanted === undefined || wanted === "" ? DEFAULT_SEED : Number(wanted);
  if (!Number.isInteger(seed)) throw new Error(`VIBORM_PROPERTY_SEED must be an integer or "random", not "${wanted}"`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
}
