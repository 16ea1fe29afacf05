/**
 * Asks `probe` until it answers something other than null, and returns that.
 * A probe that throws counts as "not yet"; on timeout the last error is named.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null>,
  timeoutMs = 60_000,
  intervalMs = 300,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== null) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
