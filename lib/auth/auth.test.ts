import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { countUsers, findUserByEmail } from "@/lib/db/queries/accounts";
import { AppError } from "@/lib/errors";
import { createTestUser, DIALECTS, openTestDatabase, type TestDatabase } from "@/test/db";
import { stopPgCluster } from "@/test/pg-cluster";
import { secureCookiesFor, withPublicOrigin } from "./handler";
import { requireAdmin, requireUser, seedAdmin } from "./index";
import { authOptions, OIDC_PROVIDER_ID } from "./options";

afterAll(stopPgCluster);

const ORIGIN = "http://localhost:3000";

/** The Cookie header a browser would send back after these Set-Cookie headers. */
function cookieHeader(headers: Headers): string {
  return headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

async function signIn(t: TestDatabase, email: string, password: string): Promise<Headers> {
  const { headers } = await t.auth.api.signInEmail({ body: { email, password }, returnHeaders: true });
  return new Headers({ cookie: cookieHeader(headers) });
}

async function signUp(t: TestDatabase, email: string, password = "first-admin-pw") {
  return t.auth.api.signUpEmail({ body: { email, password, name: email.split("@")[0] ?? email } });
}

/** The HTTP status of a rejected better-auth API call. */
async function rejectedStatus(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
  } catch (err) {
    return (err as { statusCode?: number }).statusCode;
  }
  return undefined;
}

function post(path: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(`${ORIGIN}/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN, ...headers },
    body: JSON.stringify(body),
  });
}

describe.each(DIALECTS)("accounts on %s", { timeout: 60_000 }, (dialect) => {
  let t: TestDatabase;
  afterEach(async () => {
    await t?.cleanup();
  });

  it("lets the very first account sign up and makes it admin; the next sign-up is refused", async () => {
    t = await openTestDatabase(dialect);
    const first = await signUp(t, "Boss@Example.com");
    expect(first.user).toMatchObject({ email: "boss@example.com", role: "admin" });
    expect(await rejectedStatus(signUp(t, "intruder@example.com"))).toBe(403);
    expect(await countUsers(t.db)).toBe(1);
    const headers = await signIn(t, "boss@example.com", "first-admin-pw");
    expect(await requireAdmin(headers, t.auth)).toMatchObject({ email: "boss@example.com", role: "admin" });
  });

  it("admits exactly one of two first sign-ups racing", async () => {
    t = await openTestDatabase(dialect);
    const results = await Promise.allSettled([signUp(t, "a@example.com"), signUp(t, "b@example.com")]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await countUsers(t.db)).toBe(1);
  });

  it("does not spend the first-admin claim on a sign-up that fails validation", async () => {
    t = await openTestDatabase(dialect);
    expect(await rejectedStatus(signUp(t, "boss@example.com", "short"))).toBe(400);
    expect((await signUp(t, "boss@example.com")).user).toMatchObject({ role: "admin" });
  });

  it("lets the same person retry a first sign-up that failed after the claim; others wait", async () => {
    t = await openTestDatabase(dialect);
    const body = { email: "boss@example.com", password: "first-admin-pw", name: "Boss" };
    const crossSite = await t.auth.handler(post("/sign-up/email", body, { origin: "https://evil.example" }));
    expect(crossSite.status).toBe(403);
    expect(await countUsers(t.db)).toBe(0);
    expect(await rejectedStatus(signUp(t, "someone-else@example.com"))).toBe(403);
    expect((await t.auth.handler(post("/sign-up/email", body))).status).toBe(200);
    expect(await findUserByEmail(t.db, "boss@example.com")).toMatchObject({ role: "admin" });
  });

  it("seeds ADMIN_EMAIL idempotently and closes sign-up", async () => {
    t = await openTestDatabase(dialect);
    const seed = { email: "root@example.com", password: "seeded-password" };
    await seedAdmin(t.auth, t.db, seed);
    await seedAdmin(t.auth, t.db, { ...seed, password: "a-different-one" });
    expect(await countUsers(t.db)).toBe(1);
    expect(await findUserByEmail(t.db, seed.email)).toMatchObject({ role: "admin" });
    // The password of an existing admin is never overwritten by the seed.
    await signIn(t, seed.email, "seeded-password");
    expect(await rejectedStatus(signUp(t, "late@example.com"))).toBe(403);
  });

  it("promotes an existing account named by ADMIN_EMAIL", async () => {
    t = await openTestDatabase(dialect);
    await createTestUser(t, "staff@example.com", { password: "staff-password" });
    await seedAdmin(t.auth, t.db, { email: "staff@example.com", password: "ignored-password" });
    expect(await findUserByEmail(t.db, "staff@example.com")).toMatchObject({ role: "admin" });
    expect(await countUsers(t.db)).toBe(1);
  });

  it("lets an admin create, ban, unban and reset staff; a banned user cannot sign in", async () => {
    t = await openTestDatabase(dialect);
    await seedAdmin(t.auth, t.db, { email: "root@example.com", password: "root-password" });
    const admin = await signIn(t, "root@example.com", "root-password");

    const { user } = await t.auth.api.createUser({
      headers: admin,
      body: { email: "dan@example.com", password: "dan-password", name: "Dan" },
    });
    expect(user).toMatchObject({ email: "dan@example.com", role: "user" });
    const dan = await signIn(t, "dan@example.com", "dan-password");
    expect(await requireUser(dan, t.auth)).toEqual({
      id: user.id,
      email: "dan@example.com",
      name: "Dan",
      role: "user",
    });
    await expect(requireAdmin(dan, t.auth)).rejects.toMatchObject({ code: "forbidden", status: 403 });
    // Staff cannot use the admin endpoints.
    expect(
      await rejectedStatus(
        t.auth.api.createUser({
          headers: dan,
          body: { email: "eve@example.com", password: "eve-password", name: "Eve" },
        }),
      ),
    ).toBe(403);

    await t.auth.api.banUser({ headers: admin, body: { userId: user.id, banReason: "left the company" } });
    // Banning ends the user's sessions and refuses new ones.
    await expect(requireUser(dan, t.auth)).rejects.toMatchObject({ code: "unauthorized", status: 401 });
    expect(await rejectedStatus(signIn(t, "dan@example.com", "dan-password"))).toBe(403);

    await t.auth.api.unbanUser({ headers: admin, body: { userId: user.id } });
    await t.auth.api.setUserPassword({ headers: admin, body: { userId: user.id, newPassword: "new-dan-password" } });
    expect(await rejectedStatus(signIn(t, "dan@example.com", "dan-password"))).toBe(401);
    expect(await requireUser(await signIn(t, "dan@example.com", "new-dan-password"), t.auth)).toMatchObject({
      id: user.id,
    });
  });

  it("answers unauthorized without a session", async () => {
    t = await openTestDatabase(dialect);
    const err = await requireUser(new Headers(), t.auth).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("unauthorized");
    await expect(requireUser(new Headers({ cookie: "glm-chat.session_token=forged" }), t.auth)).rejects.toMatchObject({
      code: "unauthorized",
    });
  });

  it("limits sign-in attempts per IP", async () => {
    t = await openTestDatabase(dialect, { AUTH_SIGN_IN_PER_MINUTE: 3 });
    await createTestUser(t, "fay@example.com", { password: "fay-password" });
    const attempt = (ip: string) =>
      t.auth.handler(
        post("/sign-in/email", { email: "fay@example.com", password: "wrong-password" }, { "x-forwarded-for": ip }),
      );
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt("203.0.113.7")).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    // Another address is counted on its own.
    expect((await attempt("203.0.113.8")).status).toBe(401);
  });

  it("sets an HttpOnly, SameSite=Lax session cookie lasting 7 days", async () => {
    t = await openTestDatabase(dialect);
    await createTestUser(t, "gus@example.com", { password: "gus-password" });
    const res = await t.auth.handler(post("/sign-in/email", { email: "gus@example.com", password: "gus-password" }));
    expect(res.status).toBe(200);
    const session = res.headers.getSetCookie().find((c) => c.startsWith("glm-chat.session_token="));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).toMatch(/Max-Age=604800/);
    expect(session).not.toMatch(/Secure/i);
  });
});

describe("the request's public origin", () => {
  it("comes from Host or X-Forwarded-Host, not from the address Next listens on", async () => {
    const req = new Request("http://localhost:3000/api/auth/sign-in/email?x=1", {
      method: "POST",
      headers: { host: "chat.internal:3000", "content-type": "application/json" },
      body: '{"email":"a@b.c"}',
    });
    const rebuilt = await withPublicOrigin(req);
    expect(rebuilt.url).toBe("http://chat.internal:3000/api/auth/sign-in/email?x=1");
    expect(await rebuilt.text()).toBe('{"email":"a@b.c"}');
    const proxied = await withPublicOrigin(
      new Request("http://localhost:3000/api/auth/get-session", {
        headers: { host: "localhost:3000", "x-forwarded-host": "chat.example.com", "x-forwarded-proto": "https" },
      }),
    );
    expect(proxied.url).toBe("https://chat.example.com/api/auth/get-session");
    const same = new Request("http://localhost:3000/api/auth/get-session", { headers: { host: "localhost:3000" } });
    expect(await withPublicOrigin(same)).toBe(same);
  });
});

describe("cookies behind https", () => {
  it("adds Secure to every cookie of an https request when BETTER_AUTH_URL is unset", () => {
    const res = new Response(null, {
      headers: [
        ["set-cookie", "a=1; Path=/; HttpOnly"],
        ["set-cookie", "b=2; Secure"],
      ],
    });
    const secured = secureCookiesFor(
      new Request("http://app:3000/api/auth/sign-in/email", { headers: { "x-forwarded-proto": "https" } }),
      res,
    );
    expect(secured.headers.getSetCookie()).toEqual(["a=1; Path=/; HttpOnly; Secure", "b=2; Secure"]);
    const plain = new Response(null, { headers: [["set-cookie", "a=1"]] });
    expect(secureCookiesFor(new Request("http://intranet:3000/x"), plain).headers.getSetCookie()).toEqual(["a=1"]);
  });

  it("uses Secure cookies when BETTER_AUTH_URL is https", async () => {
    const t = await openTestDatabase("sqlite", { BETTER_AUTH_URL: "https://chat.example.com" });
    try {
      await createTestUser(t, "hal@example.com", { password: "hal-password" });
      const res = await t.auth.handler(
        new Request("https://chat.example.com/api/auth/sign-in/email", {
          method: "POST",
          headers: { "content-type": "application/json", origin: "https://chat.example.com" },
          body: JSON.stringify({ email: "hal@example.com", password: "hal-password" }),
        }),
      );
      const session = res.headers.getSetCookie().find((c) => c.includes("session_token="));
      expect(session).toMatch(/^__Secure-glm-chat\.session_token=.*; Secure/i);
    } finally {
      await t.cleanup();
    }
  });
});

describe("single sign-on (OIDC)", () => {
  let idp: Server;
  let issuer: string;

  beforeAll(async () => {
    idp = createServer((req, res) => {
      const json = (body: unknown) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.url === "/.well-known/openid-configuration") {
        return json({
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          userinfo_endpoint: `${issuer}/userinfo`,
          response_types_supported: ["code"],
          id_token_signing_alg_values_supported: ["RS256"],
        });
      }
      if (req.url === "/token") return json({ access_token: "at-1", token_type: "Bearer", expires_in: 3600 });
      if (req.url === "/userinfo") {
        return json({ sub: "sso-carol", email: "carol@corp.example", email_verified: true, name: "Carol" });
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => idp.listen(0, "127.0.0.1", resolve));
    issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => idp.close(() => resolve())));

  it("is configured from OIDC_* with the issuer's discovery document", async () => {
    const t = await openTestDatabase("sqlite", {
      oidc: { issuer, clientId: "glm-chat", clientSecret: "s", name: "SSO" },
    });
    try {
      const plugins = authOptions({ db: t.db, config: t.config, secret: "x".repeat(32) }).plugins.map((p) => p.id);
      expect(plugins).toEqual(["admin", "generic-oauth"]);
      const noSso = authOptions({ db: t.db, config: { ...t.config, oidc: undefined }, secret: "x".repeat(32) });
      expect(noSso.plugins.map((p) => p.id)).toEqual(["admin"]);
    } finally {
      await t.cleanup();
    }
  });

  it("creates a staff account on the first SSO sign-in", async () => {
    const t = await openTestDatabase("sqlite", {
      oidc: { issuer, clientId: "glm-chat", clientSecret: "s", name: "SSO" },
    });
    try {
      const start = await t.auth.handler(post("/sign-in/social", { provider: OIDC_PROVIDER_ID, callbackURL: "/" }));
      expect(start.status).toBe(200);
      const { url } = (await start.json()) as { url: string };
      const authorize = new URL(url);
      expect(`${authorize.origin}${authorize.pathname}`).toBe(`${issuer}/authorize`);
      expect(authorize.searchParams.get("client_id")).toBe("glm-chat");
      expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
      expect(authorize.searchParams.get("redirect_uri")).toBe(`${ORIGIN}/api/auth/callback/${OIDC_PROVIDER_ID}`);

      const callback = new URL(`${ORIGIN}/api/auth/callback/${OIDC_PROVIDER_ID}`);
      callback.searchParams.set("code", "code-1");
      callback.searchParams.set("state", authorize.searchParams.get("state") ?? "");
      const done = await t.auth.handler(new Request(callback, { headers: { cookie: cookieHeader(start.headers) } }));
      expect(done.status).toBe(302);
      expect(done.headers.get("location")).not.toContain("error");
      const user = await requireUser(new Headers({ cookie: cookieHeader(done.headers) }), t.auth);
      expect(user).toMatchObject({ email: "carol@corp.example", name: "Carol", role: "user" });
    } finally {
      await t.cleanup();
    }
  });
});
