import { defineConfig, devices } from "@playwright/test";

// e2e runs the production build against the gateway simulator as its own process, with a canary
// key that must never reach the browser; a second app instance without a key covers demo mode.
export const E2E = {
  appPort: Number(process.env.E2E_APP_PORT ?? 3110),
  demoPort: Number(process.env.E2E_DEMO_PORT ?? 3111),
  simulatorPort: Number(process.env.E2E_SIMULATOR_PORT ?? 4110),
  demoSimulatorPort: Number(process.env.E2E_DEMO_SIMULATOR_PORT ?? 4111),
  canaryKey: "sk-byts-canary-7f3a9c2e5b1d4f60",
};

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const next = "node_modules/.bin/next";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  // The simulator's script queue is shared, so specs run one at a time.
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: `http://127.0.0.1:${E2E.appPort}`,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: chromiumPath,
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
          ],
        },
      },
    },
  ],
  webServer: [
    {
      command: "node_modules/.bin/tsx lib/simulator/main.ts",
      url: `http://127.0.0.1:${E2E.simulatorPort}/__control/health`,
      env: { SIMULATOR_PORT: String(E2E.simulatorPort), SIMULATOR_TOKENS_PER_SECOND: "150" },
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `${next} start -p ${E2E.appPort} -H 127.0.0.1`,
      url: `http://127.0.0.1:${E2E.appPort}/api/models`,
      env: {
        BYTESPIKE_API_KEY: E2E.canaryKey,
        BYTESPIKE_BASE_URL: `http://127.0.0.1:${E2E.simulatorPort}/v1`,
        MODEL_CATALOG_TTL_SECONDS: "5",
      },
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      command: `${next} start -p ${E2E.demoPort} -H 127.0.0.1`,
      url: `http://127.0.0.1:${E2E.demoPort}/api/models`,
      env: {
        BYTESPIKE_API_KEY: "",
        SIMULATOR_PORT: String(E2E.demoSimulatorPort),
        SIMULATOR_TOKENS_PER_SECOND: "150",
      },
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});
