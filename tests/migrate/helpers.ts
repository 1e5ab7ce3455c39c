/** A clock that starts at `iso` and moves one minute per call, for deterministic migration ids. */
export function clock(iso: string): () => Date {
  let at = Date.parse(iso);
  return () => {
    const now = new Date(at);
    at += 60_000;
    return now;
  };
}
