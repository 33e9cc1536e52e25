import { getSessionCookie } from "better-auth/cookies";
import { NextResponse, type NextRequest } from "next/server";
import { AUTH_COOKIE_PREFIX, SIGN_IN_PATH } from "@/lib/auth/cookie";
import { AppError } from "@/lib/errors";

// The first gate, and only an optimistic one: no session cookie at all → pages go to the sign-in
// page and API routes answer 401. Every page and route still checks the session itself
// (requireUser / requirePageUser), so a forged cookie gets no further than this.

const PUBLIC_PREFIXES = [SIGN_IN_PATH, "/api/auth/"];

export function proxy(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  if (PUBLIC_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(prefix))) {
    return NextResponse.next();
  }
  if (getSessionCookie(request, { cookiePrefix: AUTH_COOKIE_PREFIX })) return NextResponse.next();
  if (pathname.startsWith("/api/")) {
    const error = new AppError("unauthorized");
    return NextResponse.json({ error: error.toPayload() }, { status: error.status });
  }
  const target = new URL(SIGN_IN_PATH, request.url);
  if (pathname !== "/") target.searchParams.set("next", `${pathname}${search}`);
  return NextResponse.redirect(target);
}

export const config = {
  // Everything but Next's own assets and the files in public/.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|.*\\.(?:png|svg|ico|webp|jpg|txt)$).*)"],
};
