// better-auth's endpoints as the browser calls them (plain fetch: the client library is not needed
// for four requests). Failures come back as a reason the sign-in form can name.

export type AuthFailure = "invalid" | "rateLimited" | "banned" | "closed" | "weakPassword" | "network" | "generic";

async function post(
  path: string,
  body: unknown,
): Promise<{ ok: true; data: unknown } | { ok: false; reason: AuthFailure }> {
  let response: Response;
  try {
    response = await fetch(`/api/auth${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    return { ok: false, reason: "network" };
  }
  const data: unknown = await response.json().catch(() => null);
  if (response.ok) return { ok: true, data };
  const code = data && typeof data === "object" && "code" in data ? String((data as { code: unknown }).code) : "";
  return { ok: false, reason: failureOf(response.status, code) };
}

function failureOf(status: number, code: string): AuthFailure {
  if (status === 429) return "rateLimited";
  if (code === "BANNED_USER" || /banned/i.test(code)) return "banned";
  if (code === "SIGN_UP_CLOSED") return "closed";
  if (code.startsWith("PASSWORD_TOO")) return "weakPassword";
  if (status === 401 || code === "INVALID_EMAIL_OR_PASSWORD" || code === "INVALID_EMAIL") return "invalid";
  return "generic";
}

export function signInWithPassword(email: string, password: string) {
  return post("/sign-in/email", { email, password });
}

/** Only possible while the install has no administrator: the account becomes the admin. */
export function createFirstAdmin(email: string, password: string) {
  return post("/sign-up/email", { email, password, name: email.split("@")[0] || email });
}

/** Starts single sign-on; resolves to the identity provider's URL to go to. */
export async function startSso(providerId: string, next: string): Promise<string | AuthFailure> {
  const result = await post("/sign-in/social", {
    provider: providerId,
    callbackURL: next,
    errorCallbackURL: "/sign-in?error=sso",
  });
  if (!result.ok) return result.reason;
  const url = (result.data as { url?: unknown } | null)?.url;
  return typeof url === "string" ? url : "generic";
}

export async function signOut(): Promise<void> {
  await post("/sign-out", {});
}
