// Plausible spend-bucket and credit headers that shrink a little with every request, like the real gateway's.
import { RATE_HEADERS } from "../gateway/wire";

const BUCKET_SECONDS = 5 * 60 * 60;
const BUCKET_USD = 25;
const KEY_CREDITS_USD = 100;
const ORG_CREDITS_USD = 2500;
const COST_PER_REQUEST = 0.0035;

export class RateMeter {
  private perKey = new Map<string, { bucket: number; credits: number; resetAt: number }>();
  private org = ORG_CREDITS_USD;

  /** Headers for one request; an empty key (auth failure) reports an untouched bucket. */
  next(key: string, charge: boolean): Record<string, string> {
    const now = Math.floor(Date.now() / 1000);
    const resetAt = Math.ceil((now + 1) / BUCKET_SECONDS) * BUCKET_SECONDS;
    let s = this.perKey.get(key);
    if (!s || s.resetAt <= now) {
      s = { bucket: BUCKET_USD, credits: s?.credits ?? KEY_CREDITS_USD, resetAt };
      if (key) this.perKey.set(key, s);
    }
    if (charge && key) {
      s.bucket = Math.max(0, s.bucket - COST_PER_REQUEST);
      s.credits = Math.max(0, s.credits - COST_PER_REQUEST);
      this.org = Math.max(0, this.org - COST_PER_REQUEST);
    }
    return {
      [RATE_HEADERS.limit]: BUCKET_USD.toFixed(2),
      [RATE_HEADERS.remaining]: s.bucket.toFixed(4),
      [RATE_HEADERS.reset]: String(s.resetAt),
      [RATE_HEADERS.keyCredits]: s.credits.toFixed(4),
      [RATE_HEADERS.orgCredits]: this.org.toFixed(4),
    };
  }

  clear(): void {
    this.perKey.clear();
    this.org = ORG_CREDITS_USD;
  }
}
