import { RATE_HEADERS } from "./wire";

/** What the gateway tells about the key's budget on every response. */
export interface RateInfo {
  limit?: number;
  remaining?: number;
  /** Epoch milliseconds when the tightest bucket resets. */
  resetAtMs?: number;
  keyCredits?: number;
  orgCredits?: number;
}

function num(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === "") return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

export function readRateInfo(headers: Headers): RateInfo {
  const info: RateInfo = {};
  const reset = num(headers, RATE_HEADERS.reset);
  const entries: Array<[keyof RateInfo, number | undefined]> = [
    ["limit", num(headers, RATE_HEADERS.limit)],
    ["remaining", num(headers, RATE_HEADERS.remaining)],
    // Seconds per the notes; a value that already looks like milliseconds is taken as is.
    ["resetAtMs", reset === undefined ? undefined : reset > 1e12 ? reset : reset * 1000],
    ["keyCredits", num(headers, RATE_HEADERS.keyCredits)],
    ["orgCredits", num(headers, RATE_HEADERS.orgCredits)],
  ];
  for (const [key, value] of entries) if (value !== undefined) info[key] = value;
  return info;
}
