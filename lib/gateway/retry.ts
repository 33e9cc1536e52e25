// The retry rules of GATEWAY-NOTES.md, as a pure function so tests can walk every branch.
// Only failures before the first byte are ever retried: after a 200 a retry would bill twice.

export const MAX_ATTEMPTS = 4;
/** A 429 is waited out only when its reset is this close; otherwise the user is told when to come back. */
export const MAX_RATE_LIMIT_WAIT_MS = 10_000;

export type AttemptFailure =
  { kind: "network" } | { kind: "http"; status: number; code?: string | undefined; resetAtMs?: number | undefined };

/**
 * How long to wait before the next attempt, or null to give up.
 * `attempt` is the number of attempts already made (1 after the first failure).
 */
export function retryDelayMs(
  failure: AttemptFailure,
  attempt: number,
  now: number,
  random: () => number,
): number | null {
  if (attempt >= MAX_ATTEMPTS) return null;
  if (failure.kind === "network") return backoff(attempt);
  const { status, code } = failure;
  if (status >= 500 && status <= 599) return backoff(attempt);
  if (status === 429) {
    if (code === "concurrency_limit") return 1000 + Math.floor(random() * 2000);
    // Zhipu's 1113 (arrears) arrives as a 429 but only a top-up fixes it.
    if (code === "1113") return null;
    if (failure.resetAtMs === undefined) return null;
    const wait = failure.resetAtMs - now;
    if (wait > MAX_RATE_LIMIT_WAIT_MS) return null;
    return Math.max(wait, 0);
  }
  return null;
}

function backoff(attempt: number): number {
  return 1000 * 2 ** (attempt - 1);
}
