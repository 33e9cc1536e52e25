import { test as base, expect, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import type { RecordedRequest, ScriptedResponse } from "@/lib/simulator/script-types";
import { E2E } from "../playwright.config";
import { ChatPage } from "./pages/chat-page";

// Every spec imports from here: the simulator's control API, the chat page object, screenshots.

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

  async chatRequests(): Promise<RecordedRequest[]> {
    return (await this.requests()).filter((r) => r.path.startsWith("/v1/chat/completions"));
  }
}

export const SCREENSHOT_DIR = "e2e/screenshots";

export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png`, fullPage: false });
}

interface Fixtures {
  sim: SimulatorControl;
  chat: ChatPage;
}

export const test = base.extend<Fixtures>({
  sim: async ({}, use) => {
    const sim = new SimulatorControl(`http://127.0.0.1:${E2E.simulatorPort}`);
    await sim.reset();
    await use(sim);
  },
  chat: async ({ page }, use) => {
    await use(new ChatPage(page));
  },
});

export { expect, E2E };
