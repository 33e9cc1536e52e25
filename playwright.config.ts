import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

// e2e runs the production build against the gateway simulator as its own process, with a canary
// key that must never reach the browser; a second app instance without a key covers demo mode; a
// third one stores in a throwaway PostgreSQL cluster (the history spec runs against it too). Each
// instance starts on a fresh database with a seeded admin; the fixtures sign every test in.
export const E2E = {
  appPort: Number(process.env.E2E_APP_PORT ?? 3110),
  demoPort: Number(process.env.E2E_DEMO_PORT ?? 3111),
  pgAppPort: Number(process.env.E2E_PG_APP_PORT ?? 3112),
  simulatorPort: Number(process.env.E2E_SIMULATOR_PORT ?? 4110),
  /** A local OpenID Connect provider (oidc-provider); the main instance offers single sign-on through it. */
  oidcPort: Number(process.env.E2E_OIDC_PORT ?? 4112),
  demoSimulatorPort: Number(process.env.E2E_DEMO_SIMULATOR_PORT ?? 4111),
  /** An instance e2e/faults-restart.spec.ts starts itself, kills mid-reply and starts again. */
  restartPort: Number(process.env.E2E_RESTART_PORT ?? 3113),
  canaryKey: "sk-byts-canary-7f3a9c2e5b1d4f60",
  adminEmail: "admin@e2e.example.com",
  adminPassword: "e2e-admin-password",
  /** Must match e2e/servers/oidc.mjs. */
  oidcClientSecret: "e2e-oidc-client-secret",
  /** The main instance signs sessions with it (the others generate theirs). */
  betterAuthSecret: "e2e-better-auth-secret-5c1e0d7a9b3f42e8",
  /** Every password e2e/auth.ts makes starts with it, so the log scan recognises them all. */
  fixturePasswordPrefix: "e2e-pw-",
  /** Password sign-ins per client IP per minute on the main instance (the sign-in spec trips it). */
  signInPerMinute: 5,
  /** Where the SQLite instances keep their databases (deleted when each starts). */
  dataDir: path.join(tmpdir(), "glm-chat-e2e"),
};
/** Each app instance's stdout + stderr for the whole run, scanned for secrets by e2e/global-teardown.ts. */
export const appLogFile = (port: number) => path.join(E2E.dataDir, "logs", `app-${port}.log`);

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const startApp = "node e2e/servers/start-app.mjs";
/** What every app instance shares: the seeded admin, a fresh database, unlimited tokens (specs set limits). */
const appEnv = (port: number) => ({
  ADMIN_EMAIL: E2E.adminEmail,
  ADMIN_PASSWORD: E2E.adminPassword,
  DATABASE_URL: `file:${path.join(E2E.dataDir, `e2e-${port}.db`)}`,
  QUOTA_TOKENS_PER_DAY: "0",
  // The e2e client plays the reverse proxy: its X-Forwarded-For names each test's client (scripts/client-ip.mjs).
  TRUSTED_PROXIES: "127.0.0.1",
  E2E_LOG_FILE: appLogFile(port),
});
const gatewayEnv = {
  BYTESPIKE_API_KEY: E2E.canaryKey,
  BYTESPIKE_BASE_URL: `http://127.0.0.1:${E2E.simulatorPort}/v1`,
  MODEL_CATALOG_TTL_SECONDS: "5",
};
const browser = {
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
};

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
  // Scans the app servers' logs for secrets after the last spec; an error there fails the run.
  globalTeardown: "./e2e/global-teardown.ts",
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL: `http://127.0.0.1:${E2E.appPort}`,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "chromium", use: browser },
    // The history spec once more, against the instance that stores in PostgreSQL.
    {
      name: "postgres",
      testMatch: "history.spec.ts",
      use: { ...browser, baseURL: `http://127.0.0.1:${E2E.pgAppPort}` },
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
      command: `node e2e/servers/oidc.mjs ${E2E.oidcPort} http://127.0.0.1:${E2E.appPort}/api/auth/callback/oidc`,
      url: `http://127.0.0.1:${E2E.oidcPort}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "ignore",
    },
    {
      command: `${startApp} ${E2E.appPort}`,
      url: `http://127.0.0.1:${E2E.appPort}/sign-in`,
      env: {
        ...appEnv(E2E.appPort),
        ...gatewayEnv,
        AUTH_SIGN_IN_PER_MINUTE: String(E2E.signInPerMinute),
        OIDC_ISSUER: `http://127.0.0.1:${E2E.oidcPort}`,
        OIDC_CLIENT_ID: "glm-chat-e2e",
        OIDC_CLIENT_SECRET: E2E.oidcClientSecret,
        BETTER_AUTH_SECRET: E2E.betterAuthSecret,
        OIDC_PROVIDER_NAME: "公司统一身份",
      },
      reuseExistingServer: false,
      timeout: 120_000,
      gracefulShutdown: { signal: "SIGTERM", timeout: 5000 },
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      command: `${startApp} ${E2E.demoPort}`,
      url: `http://127.0.0.1:${E2E.demoPort}/sign-in`,
      env: {
        ...appEnv(E2E.demoPort),
        BYTESPIKE_API_KEY: "",
        SIMULATOR_PORT: String(E2E.demoSimulatorPort),
        SIMULATOR_TOKENS_PER_SECOND: "150",
      },
      reuseExistingServer: false,
      timeout: 120_000,
      gracefulShutdown: { signal: "SIGTERM", timeout: 5000 },
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `${startApp} ${E2E.pgAppPort} --postgres`,
      url: `http://127.0.0.1:${E2E.pgAppPort}/sign-in`,
      env: { ...appEnv(E2E.pgAppPort), ...gatewayEnv, DATABASE_URL: "" },
      reuseExistingServer: false,
      timeout: 120_000,
      gracefulShutdown: { signal: "SIGTERM", timeout: 5000 },
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});
