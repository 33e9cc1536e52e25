import { getSessionCookie } from "better-auth/cookies";
import { createHash } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { AUTH_COOKIE_PREFIX, SIGN_IN_PATH } from "@/lib/auth/cookie";
import { AppError } from "@/lib/errors";
import { THEME_SCRIPT } from "@/lib/theme";

// The first gate, and only an optimistic one: no session cookie at all → pages go to the sign-in
// page and API routes answer 401. Every page and route still checks the session itself
// (requireUser / requirePageUser), so a forged cookie gets no further than this.
//
// It also gives every page its Content-Security-Policy with a fresh nonce: Next.js reads the nonce
// from the request's CSP header and puts it on its own scripts, so only scripts the server sent run.
// The static security headers (nosniff, Referrer-Policy, …) and the API routes' CSP are set for
// every path in next.config.mjs.

const PUBLIC_PREFIXES = [SIGN_IN_PATH, "/api/auth/"];

/** A path with a broken %-escape ("/api/conversations/abc%") cannot be decoded into route params. */
function decodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/** The theme script in the root layout (lib/theme.ts) runs before first paint, allowed by its hash. */
const THEME_SCRIPT_HASH = `'sha256-${createHash("sha256").update(THEME_SCRIPT).digest("base64")}'`;

/**
 * The pages' policy. script-src: only scripts carrying this response's nonce, the theme script, and
 * what those load ('strict-dynamic'); never 'unsafe-eval' in production (dev needs it for React's
 * error overlay). style-src allows inline styles: React, KaTeX and Shiki set style attributes on
 * server-rendered HTML (widths, token colours, formula metrics), which a nonce cannot cover, and CSS
 * runs no code. img-src allows remote http(s): an image in a reply loads only after the reader clicks
 * it (components/markdown/markdown-image.tsx), and a policy cannot know about the click. Workers
 * (Shiki's highlighter, the image pipeline) come from our own chunks, some via blob: URLs.
 */
export function pageContentSecurityPolicy(nonce: string, dev = process.env.NODE_ENV === "development"): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' ${THEME_SCRIPT_HASH}${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data: https: http:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function withPageCsp(request: NextRequest): NextResponse {
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = pageContentSecurityPolicy(nonce);
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  return response;
}

export function proxy(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  // Next.js would fail to decode such a path's params and answer a bare 500: refused here, as the bad
  // request it is, in the AppError shape (found by the route fuzzer, test/fuzz).
  if (!decodable(pathname)) {
    const error = new AppError("invalid_body", { detail: "malformed %-escape in the address" });
    return NextResponse.json({ error: error.toPayload() }, { status: error.status });
  }
  // No route or page here takes multipart forms (the server action sends text), but Next.js reads a
  // multipart POST to any page — the not-found page too — as a form action, and a malformed body made
  // it answer a bare 500 (found by the route fuzzer). better-auth's endpoints decide for themselves.
  if (
    request.method === "POST" &&
    /^\s*multipart\/form-data/i.test(request.headers.get("content-type") ?? "") &&
    !pathname.startsWith("/api/auth/")
  ) {
    const error = new AppError("invalid_body", { detail: "multipart/form-data is not accepted" });
    return NextResponse.json({ error: error.toPayload() }, { status: error.status });
  }
  // A server action with an Origin that is not a URL (empty, say): Next.js's own origin check threw and
  // answered a bare 500 (found by the soak fuzz). Refused as the cross-site request it may be.
  const origin = request.headers.get("origin");
  if (request.headers.has("next-action") && origin !== null && !URL.canParse(origin)) {
    const error = new AppError("forbidden_origin");
    return NextResponse.json({ error: error.toPayload() }, { status: error.status });
  }
  const isApi = pathname.startsWith("/api/");
  const pass = () => (isApi ? NextResponse.next() : withPageCsp(request));
  if (PUBLIC_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(prefix))) return pass();
  if (getSessionCookie(request, { cookiePrefix: AUTH_COOKIE_PREFIX })) return pass();
  if (isApi) {
    const error = new AppError("unauthorized");
    return NextResponse.json({ error: error.toPayload() }, { status: error.status });
  }
  const target = new URL(SIGN_IN_PATH, request.url);
  if (pathname !== "/") target.searchParams.set("next", `${pathname}${search}`);
  return NextResponse.redirect(target);
}

export const config = {
  // Everything but Next's own assets and the files in public/; every API path (even one ending in .png).
  // And any multipart request, even to a static file's path (see above).
  matcher: [
    "/((?!_next/static|_next/image|favicon.ico|.*\\.(?:png|svg|ico|webp|jpg|txt)$).*)",
    "/api/:path*",
    { source: "/:path*", has: [{ type: "header", key: "content-type", value: "multipart/form-data.*" }] },
  ],
};
