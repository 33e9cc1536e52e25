import "server-only";
import { serverEnv } from "@/lib/env";
import { getAuth } from "./index";

// The /api/auth/* endpoints (sign-in, sign-out, session, admin, SSO callback) served by better-auth.

function isHttps(req: Request): boolean {
  const forwarded = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  return forwarded ? forwarded === "https" : new URL(req.url).protocol === "https:";
}

/**
 * Without BETTER_AUTH_URL the cookies' Secure flag cannot be known at start: plain http on the
 * intranet must work, so it is added per response when the request came over https.
 */
export function secureCookiesFor(req: Request, res: Response): Response {
  const cookies = res.headers.getSetCookie();
  if (cookies.length === 0 || !isHttps(req)) return res;
  const headers = new Headers(res.headers);
  headers.delete("set-cookie");
  for (const cookie of cookies)
    headers.append("set-cookie", /;\s*secure\b/i.test(cookie) ? cookie : `${cookie}; Secure`);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

/**
 * Without BETTER_AUTH_URL, better-auth takes its base URL (and the one origin it trusts) from the
 * request URL, which Next builds from its own listen address (http://localhost:3000), not from
 * the address the browser used. The Host header (or the proxy's X-Forwarded-Host) names the latter.
 */
export async function withPublicOrigin(req: Request): Promise<Request> {
  const host = req.headers.get("x-forwarded-host")?.split(",")[0]?.trim() || req.headers.get("host");
  if (!host) return req;
  const url = new URL(req.url);
  let publicUrl: URL;
  try {
    publicUrl = new URL(`${url.pathname}${url.search}`, `${isHttps(req) ? "https" : "http"}://${host}`);
  } catch {
    return req; // a malformed Host header: leave the request as it came
  }
  if (publicUrl.href === url.href) return req;
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(publicUrl, {
    method: req.method,
    headers: req.headers,
    ...(hasBody ? { body: await req.arrayBuffer() } : {}),
    signal: req.signal,
  });
}

export async function handleAuthRequest(req: Request): Promise<Response> {
  const auth = await getAuth();
  if (serverEnv().BETTER_AUTH_URL) return auth.handler(req);
  const request = await withPublicOrigin(req);
  return secureCookiesFor(request, await auth.handler(request));
}
