import "server-only";
import { createHmac } from "node:crypto";

// The gateway's `user` field: a stable id per staff member for abuse tracing, never reversible.

/** Computed once per user (an HMAC per request was a measurable part of a reply's setup at 200 streams). */
const known = new Map<string, string>();
const MAX_KNOWN = 10_000;

export function hashedUserId(userId: string, secret: string): string {
  const key = `${secret}\u0000${userId}`;
  let hashed = known.get(key);
  if (hashed === undefined) {
    hashed = `u_${createHmac("sha256", secret).update(userId).digest("hex").slice(0, 32)}`;
    if (known.size >= MAX_KNOWN) known.clear();
    known.set(key, hashed);
  }
  return hashed;
}
