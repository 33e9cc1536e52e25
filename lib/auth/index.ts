import "server-only";
import { ensureDatabase } from "@/lib/db";
import type { Db } from "@/lib/db/client";
import { findUserByEmail, setUserRole, storedAuthSecret } from "@/lib/db/queries/accounts";
import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { ADMIN_ROLE, createAuth, OIDC_PROVIDER_ID, type Auth } from "./options";
import { cachedSession } from "./session-cache";

// The auth instance (created after the database is ready) and the checks route handlers use:
// requireUser(req) → the signed-in staff member or 401, requireAdmin(req) → the admin or 403.

export { ADMIN_ROLE, OIDC_PROVIDER_ID, STAFF_ROLE, type Auth } from "./options";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: "admin" | "user";
}

const globalKey = Symbol.for("glm-chat.auth");
type GlobalWithAuth = typeof globalThis & { [globalKey]?: Promise<Auth> };

/** The better-auth instance, created once per process after ensureDatabase(). */
export function getAuth(): Promise<Auth> {
  const g = globalThis as GlobalWithAuth;
  g[globalKey] ??= startAuth().catch((err: unknown) => {
    g[globalKey] = undefined;
    throw err;
  });
  return g[globalKey];
}

async function startAuth(): Promise<Auth> {
  const env = serverEnv();
  const db = await ensureDatabase();
  const secret = env.BETTER_AUTH_SECRET ?? (await storedAuthSecret(db));
  const auth = createAuth({ db, config: env, secret });
  if (env.adminSeed) await seedAdmin(auth, db, env.adminSeed);
  return auth;
}

/**
 * Makes sure ADMIN_EMAIL exists and is an admin. Creates it with ADMIN_PASSWORD the first time;
 * never changes an existing account's password (reset it in the admin screen instead).
 */
export async function seedAdmin(auth: Auth, db: Db, seed: { email: string; password: string }): Promise<void> {
  const existing = await findUserByEmail(db, seed.email);
  if (existing) {
    if (existing.role !== ADMIN_ROLE) await setUserRole(db, existing.id, ADMIN_ROLE);
    return;
  }
  try {
    await auth.api.createUser({
      body: { email: seed.email, password: seed.password, name: seed.email.split("@")[0] ?? seed.email, role: "admin" },
    });
  } catch (err) {
    // Another instance seeded it a moment ago.
    if (!(await findUserByEmail(db, seed.email))) throw err;
  }
}

/** The session behind these request headers (cookie), or null. */
export async function getSession(headers: Headers, auth?: Auth) {
  return (auth ?? (await getAuth())).api.getSession({ headers });
}

export function toSessionUser(user: { id: string; email: string; name: string; role?: string | null }): SessionUser {
  const roles = (user.role ?? "").split(",").map((r) => r.trim());
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: roles.includes(ADMIN_ROLE) ? "admin" : "user",
  };
}

/**
 * The signed-in user, or AppError unauthorized (401). Banned users have no session. Remembered for a
 * few seconds per session cookie, forgotten at once on any auth change (lib/auth/session-cache.ts).
 */
export async function requireUser(req: Request | Headers, auth?: Auth): Promise<SessionUser> {
  if (vouched.has(req)) {
    const user = vouched.get(req);
    if (!user) throw new AppError("unauthorized");
    return user;
  }
  const headers = req instanceof Headers ? req : req.headers;
  const instance = auth ?? (await getAuth());
  const user = await cachedSession(instance, headers.get("cookie"), async () => {
    const session = await getSession(headers, instance);
    return session && !session.user.banned ? toSessionUser(session.user) : null;
  });
  if (!user) throw new AppError("unauthorized");
  return user;
}

/**
 * Requests whose session the server's own thread has already read (the chat worker's, lib/chat/worker-host.ts):
 * requireUser takes the answer as it is, so that the worker never runs better-auth, whose AsyncLocalStorage
 * would turn on async hooks for every promise in that thread. null: no valid session.
 */
const vouched = new WeakMap<Request | Headers, SessionUser | null>();

export function vouchSession(req: Request, user: SessionUser | null): void {
  vouched.set(req, user);
}

/** The signed-in admin: unauthorized (401) without a session, forbidden (403) for staff. */
export async function requireAdmin(req: Request | Headers, auth?: Auth): Promise<SessionUser> {
  const user = await requireUser(req, auth);
  if (user.role !== "admin") throw new AppError("forbidden");
  return user;
}

/** What the sign-in page may show: whether SSO is offered and its button label. No secrets. */
export function publicAuthConfig(): { sso: { providerId: string; name: string } | null } {
  const oidc = serverEnv().oidc;
  return { sso: oidc ? { providerId: OIDC_PROVIDER_ID, name: oidc.name } : null };
}
