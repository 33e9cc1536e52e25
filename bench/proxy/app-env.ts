// What every proxy benchmark that starts the app (`npm start`'s server) gives it: the simulator as its gateway, a
// fresh SQLite file, a bench admin account, and quotas off so that one account may run 200 streams.
import { createServer } from "node:net";

export const BENCH_KEY = "sk-byts-bench-000000";
export const BENCH_ADMIN = { email: "bench@example.com", password: "bench-password-0001" };

export function benchAppEnv(opts: { simBase: string; origin: string; dbFile: string }): Record<string, string> {
  return {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    BYTESPIKE_API_KEY: BENCH_KEY,
    BYTESPIKE_BASE_URL: `${opts.simBase}/v1`,
    DATABASE_URL: `file:${opts.dbFile}`,
    BETTER_AUTH_URL: opts.origin,
    BETTER_AUTH_SECRET: "bench-only-secret-0123456789abcdef0123456789",
    ADMIN_EMAIL: BENCH_ADMIN.email,
    ADMIN_PASSWORD: BENCH_ADMIN.password,
    AUTH_SIGN_IN_PER_MINUTE: "10000",
    QUOTA_MAX_CONCURRENT: "0",
    QUOTA_TOKENS_PER_DAY: "0",
  };
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Waits until the app at `origin` answers, then signs the bench admin in; the session cookie. */
export async function readyAndSignedIn(origin: string): Promise<string> {
  for (;;) {
    try {
      const r = await fetch(`${origin}/api/models`);
      await r.arrayBuffer();
      if (r.status < 500) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const res = await fetch(`${origin}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify(BENCH_ADMIN),
  });
  if (!res.ok) throw new Error(`sign-in failed: HTTP ${res.status}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}
