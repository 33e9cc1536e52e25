import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveGatewayStatus } from "@/lib/db/queries/gateway-status";
import { recordUsage } from "@/lib/quota";
import type { SignedIn, TestApp } from "@/test/app";
import { startTestApp } from "@/test/app";
import { DIALECTS } from "@/test/db";
import { stopPgCluster } from "@/test/pg-cluster";
import type * as PasswordRoute from "./users/[id]/password/route";
import type * as UserRoute from "./users/[id]/route";
import type * as UsersRoute from "./users/route";
import type * as UsageRoute from "./usage/route";

// The admin routes, on SQLite and PostgreSQL: only an admin gets in; accounts are created, disabled,
// enabled and given limits and new passwords; usage per user per day and the gateway's status.

afterAll(stopPgCluster);

describe.each(DIALECTS)("admin routes on %s", { timeout: 60_000 }, (dialect) => {
  let app: TestApp;
  let admin: SignedIn;
  let staff: SignedIn;
  let users: typeof UsersRoute;
  let user: typeof UserRoute;
  let password: typeof PasswordRoute;
  let usage: typeof UsageRoute;

  const request = (who: SignedIn | undefined, body?: unknown, method = body === undefined ? "GET" : "POST") =>
    new Request(`${app.origin}/api/admin/x`, {
      method,
      headers: { ...(who ? who.headers : {}), "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const ctx = (id: string) => ({ params: Promise.resolve({ id }) });
  const signIn = (email: string, pw: string) =>
    app.auth.handler(
      new Request(`${app.origin}/api/auth/sign-in/email`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          origin: app.origin,
          "x-forwarded-for": `10.1.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
        },
        body: JSON.stringify({ email, password: pw }),
      }),
    );

  beforeAll(async () => {
    app = await startTestApp(dialect, { QUOTA_TOKENS_PER_DAY: "5000", QUOTA_MAX_CONCURRENT: "3" });
    [users, user, password, usage] = await Promise.all([
      import("./users/route"),
      import("./users/[id]/route"),
      import("./users/[id]/password/route"),
      import("./usage/route"),
    ]);
    admin = await app.signIn(undefined, { role: "admin" });
    staff = await app.signIn();
  });
  afterAll(() => app?.close());

  it("lets only an admin in: 401 without a session, 403 for staff", async () => {
    expect((await users.GET(request(undefined))).status).toBe(401);
    expect((await users.GET(request(staff))).status).toBe(403);
    expect((await usage.GET(request(staff))).status).toBe(403);
    expect((await user.PATCH(request(staff, { banned: true }, "PATCH"), ctx(admin.id))).status).toBe(403);
    expect((await password.POST(request(staff, { password: "hijacked-password" }), ctx(admin.id))).status).toBe(403);
  });

  it("creates an account, disables and enables it, resets its password and sets its limits", async () => {
    const created = await users.POST(
      request(admin, { email: "Lin@Example.com", password: "initial-pw-1", name: "林" }),
    );
    expect(created.status).toBe(201);
    const { user: made } = (await created.json()) as { user: { id: string; email: string } };
    expect(made.email).toBe("lin@example.com");
    expect((await signIn("lin@example.com", "initial-pw-1")).status).toBe(200);

    expect((await user.PATCH(request(admin, { banned: true }, "PATCH"), ctx(made.id))).status).toBe(200);
    expect((await signIn("lin@example.com", "initial-pw-1")).status).toBe(403);
    expect((await user.PATCH(request(admin, { banned: false }, "PATCH"), ctx(made.id))).status).toBe(200);
    expect((await password.POST(request(admin, { password: "second-pw-2" }), ctx(made.id))).status).toBe(200);
    expect((await signIn("lin@example.com", "initial-pw-1")).status).toBe(401);
    expect((await signIn("lin@example.com", "second-pw-2")).status).toBe(200);

    await user.PATCH(request(admin, { tokensPerDay: 100 }, "PATCH"), ctx(made.id));
    await user.PATCH(request(admin, { maxConcurrent: 0 }, "PATCH"), ctx(made.id));
    const list = (await (await users.GET(request(admin))).json()) as {
      users: Array<{ email: string; tokensPerDay: number | null; maxConcurrent: number | null; banned: boolean }>;
      defaults: { tokensPerDay: number; maxConcurrent: number };
    };
    expect(list.defaults).toEqual({ tokensPerDay: 5000, maxConcurrent: 3 });
    expect(list.users.find((u) => u.email === "lin@example.com")).toMatchObject({
      tokensPerDay: 100,
      maxConcurrent: 0,
      banned: false,
    });
  });

  it("refuses bad input and unknown accounts, and an admin disabling themself", async () => {
    expect((await users.POST(request(admin, { email: "not-an-email", password: "long-enough" }))).status).toBe(400);
    expect((await users.POST(request(admin, { email: "a@b.example", password: "short" }))).status).toBe(400);
    expect((await user.PATCH(request(admin, { tokensPerDay: -1 }, "PATCH"), ctx(staff.id))).status).toBe(400);
    expect((await user.PATCH(request(admin, { banned: true }, "PATCH"), ctx("no-such-user"))).status).toBe(404);
    expect((await password.POST(request(admin, { password: "whatever-pw" }), ctx("no-such-user"))).status).toBe(404);
    expect((await user.PATCH(request(admin, { banned: true }, "PATCH"), ctx(admin.id))).status).toBe(403);
  });

  it("refuses an email that already has an account (409, any case) and a name with control characters", async () => {
    const body = { email: "twice@example.com", password: "initial-pw-1" };
    expect((await users.POST(request(admin, body))).status).toBe(201);
    for (const email of ["twice@example.com", "TWICE@example.com"]) {
      const again = await users.POST(request(admin, { ...body, email }));
      expect(again.status).toBe(409);
      const { error } = (await again.json()) as { error: { code: string; message: Record<string, string> } };
      expect(error.code).toBe("email_taken");
      expect(error.message["zh-CN"]).toContain("已");
    }
    // Found by the route fuzzer: a NUL in the name (PostgreSQL text cannot hold it) was a 500.
    for (const name of ["\u0000", "a\u0000b", "line\nbreak"]) {
      const refused = await users.POST(
        request(admin, { email: `ctl${name.length}@example.com`, password: "pw-long-1", name }),
      );
      expect(refused.status).toBe(400);
    }
  });

  it("reports usage per user per day and the gateway's latest credit and rate-limit bucket", async () => {
    await recordUsage(app.db, {
      userId: staff.id,
      messageId: "m-usage-1",
      model: "glm-5-1",
      usage: { promptTokens: 100, completionTokens: 20, cachedTokens: 40, totalTokens: 120 },
    });
    await saveGatewayStatus(app.db, { limit: 25, remaining: 24.5, keyCredits: 99.25, resetAtMs: 1_900_000_000_000 });
    const report = (await (await usage.GET(request(admin))).json()) as {
      rows: Array<{ email: string; totalTokens: number; cachedTokens: number; requests: number }>;
      gateway: { keyCredits: number; remaining: number; limit: number };
    };
    expect(report.rows.find((r) => r.email === staff.email)).toMatchObject({
      totalTokens: 120,
      cachedTokens: 40,
      requests: 1,
    });
    expect(report.gateway).toMatchObject({ keyCredits: 99.25, remaining: 24.5, limit: 25 });
    const list = (await (await users.GET(request(admin))).json()) as {
      users: Array<{ email: string; usedToday: number }>;
    };
    expect(list.users.find((u) => u.email === staff.email)?.usedToday).toBe(120);
  });
});
