import { vi } from "vitest";
import type { Auth } from "@/lib/auth/options";
import type { Db } from "@/lib/db";
import { testTarget, type TestDialect } from "./db";

// The app in-process, for tests that call route handlers directly: the environment set (the gateway
// → a simulator, DATABASE_URL → a fresh SQLite file or PostgreSQL database), every module loaded
// afresh (the env module and the database/auth singletons are per process), and signed-in users.

const SINGLETONS = ["glm-chat.database", "glm-chat.auth", "glm-chat.generations"];

export interface SignedIn {
  id: string;
  email: string;
  /** The Cookie header the browser would send. */
  cookie: string;
  /** Request headers of this user, same-origin: { cookie, origin, host }. */
  headers: Record<string, string>;
}

export interface TestApp {
  dialect: TestDialect;
  db: Db;
  auth: Auth;
  origin: string;
  /** A new staff account (or admin), signed in. */
  signIn(email?: string, options?: { role?: "admin" | "user" }): Promise<SignedIn>;
  close(): Promise<void>;
}

/** The Cookie header a browser would send back after these Set-Cookie headers. */
export function cookieHeader(headers: Headers): string {
  return headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

let counter = 0;

export async function startTestApp(dialect: TestDialect, env: Record<string, string> = {}): Promise<TestApp> {
  const { target, remove } = await testTarget(dialect);
  const origin = "http://localhost:3000";
  const values: Record<string, string> = {
    DATABASE_URL: target.kind === "postgres" ? target.url : `file:${target.path}`,
    BETTER_AUTH_URL: origin,
    BETTER_AUTH_SECRET: "route-test-secret-0123456789-0123456789",
    ...env,
  };
  const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  Object.assign(process.env, values);
  const g = globalThis as Record<symbol, unknown>;
  for (const key of SINGLETONS) delete g[Symbol.for(key)];
  vi.resetModules();

  const [{ ensureDatabase }, { getAuth }] = await Promise.all([import("@/lib/db"), import("@/lib/auth")]);
  const db = await ensureDatabase();
  const auth = await getAuth();
  const host = new URL(origin).host;

  return {
    dialect,
    db,
    auth,
    origin,
    async signIn(email = `user-${++counter}-${Date.now().toString(36)}@example.com`, options = {}) {
      const password = "correct-horse-battery";
      const { user } = await auth.api.createUser({
        body: { email, password, name: email.split("@")[0] ?? email, ...(options.role ? { role: options.role } : {}) },
      });
      const { headers } = await auth.api.signInEmail({ body: { email, password }, returnHeaders: true });
      const cookie = cookieHeader(headers);
      return { id: user.id, email, cookie, headers: { cookie, origin, host } };
    },
    async close() {
      await db.close();
      for (const key of SINGLETONS) delete g[Symbol.for(key)];
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      remove();
    },
  };
}
