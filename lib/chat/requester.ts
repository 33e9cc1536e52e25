import "server-only";
import { createHmac } from "node:crypto";

// The gateway's `user` field: a stable id per staff member for abuse tracing, never reversible.

export function hashedUserId(userId: string, secret: string): string {
  return `u_${createHmac("sha256", secret).update(userId).digest("hex").slice(0, 32)}`;
}
