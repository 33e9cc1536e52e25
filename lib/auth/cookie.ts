// Shared by better-auth's options and the proxy (which must not load the auth instance).

export const AUTH_COOKIE_PREFIX = "glm-chat";

/** Pages anyone may open, and where the signed-out are sent. */
export const SIGN_IN_PATH = "/sign-in";

/** Where to go after signing in: a path on this site only (never `//evil.example` or a URL). */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  return next.startsWith(SIGN_IN_PATH) ? "/" : next;
}
