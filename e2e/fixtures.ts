import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { isTitleRequest } from "@/lib/chat/title";
import type { RecordedRequest, ScriptedResponse } from "@/lib/simulator/script-types";
import { E2E } from "../playwright.config";
import { adminRequest, createAccount, signedInState, type Account } from "./auth";
import { ChatPage } from "./pages/chat-page";

// Every spec imports from here: the simulator's control API, the chat page object, screenshots, and
// a signed-in staff account of its own per test (created by the seeded admin, signed in through
// POST /api/auth/sign-in/email), so "/" always opens on an empty history.

export class SimulatorControl {
  constructor(readonly baseUrl: string) {}

  async reset(): Promise<void> {
    const res = await fetch(`${this.baseUrl}/__control/reset`, { method: "POST" });
    expect(res.ok).toBe(true);
  }

  async script(...responses: ScriptedResponse[]): Promise<void> {
    const res = await fetch(`${this.baseUrl}/__control/script`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ responses }),
    });
    expect(res.ok).toBe(true);
  }

  async requests(): Promise<RecordedRequest[]> {
    const res = await fetch(`${this.baseUrl}/__control/requests`);
    const body = (await res.json()) as { requests: RecordedRequest[] };
    return body.requests;
  }

  /** Chat replies only: the small title requests the app makes after a first reply are left out. */
  async chatRequests(): Promise<RecordedRequest[]> {
    return (await this.requests()).filter(
      (r) => r.path.startsWith("/v1/chat/completions") && !isTitleRequest(messagesOf(r)),
    );
  }

  async titleRequests(): Promise<RecordedRequest[]> {
    return (await this.requests()).filter(
      (r) => r.path.startsWith("/v1/chat/completions") && isTitleRequest(messagesOf(r)),
    );
  }
}

const messagesOf = (r: RecordedRequest) =>
  (r.body as { messages?: Array<{ role: string; content?: unknown }> } | null)?.messages ?? [];

export const SCREENSHOT_DIR = "e2e/screenshots";

export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png`, fullPage: false });
}

interface Fixtures {
  sim: SimulatorControl;
  chat: ChatPage;
  /** This test's own staff account; the browser context is signed in as it. */
  account: Account;
  /** The seeded admin, as an API context. */
  admin: APIRequestContext;
}

export const test = base.extend<Fixtures>({
  sim: async ({}, use) => {
    const sim = new SimulatorControl(`http://127.0.0.1:${E2E.simulatorPort}`);
    await sim.reset();
    await use(sim);
  },
  admin: async ({ baseURL }, use) => {
    const admin = await adminRequest(baseURL!);
    await use(admin);
    await admin.dispose();
  },
  account: async ({ admin }, use) => {
    await use(await createAccount(admin));
  },
  storageState: async ({ account, baseURL }, use) => {
    await use(await signedInState(baseURL!, account));
  },
  chat: async ({ page }, use) => {
    await use(new ChatPage(page));
  },
});

export { expect, E2E, type Account };
export { adminBrowser, adminRequest, createAccount, signedInRequest, signedInState, uniqueClientIp } from "./auth";
