import "server-only";
import { createHmac, randomUUID } from "node:crypto";

// The gateway's `user` field: a stable id per requester for abuse tracing, never reversible.
// Until accounts exist the requester is an anonymous browser id kept in an HttpOnly cookie.

export const REQUESTER_COOKIE = "glm_rid";
const ID_PATTERN = /^[A-Za-z0-9-]{16,64}$/;

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.get("cookie");
  if (!header) return undefined;
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq > 0 && pair.slice(0, eq).trim() === name) {
      // A malformed %-escape is a bad cookie, not a server error: treat it as absent.
      try {
        return decodeURIComponent(pair.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export interface Requester {
  id: string;
  /** A Set-Cookie header value when a new id was issued. */
  setCookie?: string;
}

/** The requester's id when the request carries a valid one. */
export function readRequesterId(req: Request): string | undefined {
  const existing = readCookie(req, REQUESTER_COOKIE);
  return existing && ID_PATTERN.test(existing) ? existing : undefined;
}

export function identifyRequester(req: Request): Requester {
  const existing = readRequesterId(req);
  if (existing) return { id: existing };
  const id = randomUUID();
  const secure = new URL(req.url).protocol === "https:" || req.headers.get("x-forwarded-proto") === "https";
  const setCookie = `${REQUESTER_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000${secure ? "; Secure" : ""}`;
  return { id, setCookie };
}

export function hashedUserId(requesterId: string, secret: string): string {
  return `u_${createHmac("sha256", secret).update(requesterId).digest("hex").slice(0, 32)}`;
}
