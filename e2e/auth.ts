import { expect, request as playwrightRequest, type APIRequestContext, type Browser } from "@playwright/test";
import { E2E } from "../playwright.config";
import { AdminPage } from "./pages/admin-page";

// Signing in for the specs: through better-auth's own endpoint (POST /api/auth/sign-in/email), as an
// automated client would.

export type StorageState = Awaited<ReturnType<APIRequestContext["storageState"]>>;

let ipCounter = 0;
/**
 * A client address of its own for each sign-in, so that the sign-in rate limit (per IP) counts each
 * simulated person separately; the sign-in spec uses one on purpose to trip it.
 */
export function uniqueClientIp(): string {
  const n = (process.pid % 200) * 60000 + ++ipCounter;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/** An API context signed in as this account (a fresh session, cookies kept in the context). */
export async function signedInRequest(baseURL: string, email: string, password: string): Promise<APIRequestContext> {
  const context = await playwrightRequest.newContext({
    baseURL,
    storageState: { cookies: [], origins: [] },
    extraHTTPHeaders: { origin: baseURL, "x-forwarded-for": uniqueClientIp() },
  });
  const res = await context.post("/api/auth/sign-in/email", { data: { email, password } });
  expect(res.status(), `sign in as ${email}: ${await res.text()}`).toBe(200);
  return context;
}

const adminStates = new Map<string, Promise<StorageState>>();

/** The seeded admin of the instance at `baseURL`, signed in once per worker. */
export async function adminRequest(baseURL: string): Promise<APIRequestContext> {
  let state = adminStates.get(baseURL);
  if (!state) {
    state = signedInRequest(baseURL, E2E.adminEmail, E2E.adminPassword).then(async (context) => {
      const saved = await context.storageState();
      await context.dispose();
      return saved;
    });
    adminStates.set(baseURL, state);
  }
  return playwrightRequest.newContext({ baseURL, storageState: await state, extraHTTPHeaders: { origin: baseURL } });
}

export interface Account {
  id: string;
  email: string;
  password: string;
}

let accountCounter = 0;
/** A new staff account, created by the admin through better-auth's admin API. */
export async function createAccount(admin: APIRequestContext, prefix = "staff"): Promise<Account> {
  const email = `${prefix}-${process.pid}-${++accountCounter}-${Date.now().toString(36)}@e2e.example.com`;
  const password = `${E2E.fixturePasswordPrefix}${Math.random().toString(36).slice(2)}`;
  const res = await admin.post("/api/auth/admin/create-user", {
    data: { email, password, name: email.split("@")[0], role: "user" },
  });
  expect(res.status(), await res.text()).toBe(200);
  const { user } = (await res.json()) as { user: { id: string } };
  return { id: user.id, email, password };
}

/** The storage state of a browser signed in as this account. */
export async function signedInState(
  baseURL: string,
  account: Pick<Account, "email" | "password">,
): Promise<StorageState> {
  const context = await signedInRequest(baseURL, account.email, account.password);
  const state = await context.storageState();
  await context.dispose();
  return state;
}

/** A browser signed in as the seeded admin, on the admin screen's page object. */
export async function adminBrowser(browser: Browser, baseURL: string) {
  const context = await browser.newContext({
    baseURL,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    storageState: await signedInState(baseURL, { email: E2E.adminEmail, password: E2E.adminPassword }),
  });
  return { context, admin: new AdminPage(await context.newPage()) };
}
