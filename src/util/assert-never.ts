/** Exhaustiveness guard for discriminated unions: a new variant fails to compile where it is unhandled. */
export function assertNever(value: never, what = "value"): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
