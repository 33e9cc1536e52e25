import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { assertHealthy, fuzzTarget, socketRetries, type TargetStats } from "./harness";
import { imageSeeds, setupFuzzContext } from "./setup";
import { fuzzTargets, type FuzzContext } from "./targets";

// The soak run of the route fuzzer (`npm run test:soak`): the production build (built first when
// there is none) served by `next start` against the gateway simulator, both started here on their own
// ports, and FUZZ_RUNS (default 10,000) hostile requests per route, a few routes at a time. Prints
// the seed first (FUZZ_SEED repeats a run), then each route's case count, time and statuses; at the
// end the server must still answer and its log must show no uncaught error.

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 3);
const APP_PORT = Number(process.env.SOAK_APP_PORT ?? 3130);
const SIMULATOR_PORT = Number(process.env.SOAK_SIMULATOR_PORT ?? 4130);
const ADMIN = { email: "admin@soak.example.com", password: "soak-admin-password" };
const dataDir = path.join(tmpdir(), `glm-chat-soak-${APP_PORT}`);
const logFile = path.join(dataDir, "server.log");

const children: ChildProcess[] = [];
let app: ChildProcess;
let ctx: FuzzContext;

async function waitFor(url: string, child: ChildProcess, seconds: number): Promise<void> {
  for (let i = 0; i < seconds * 4; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited (${child.exitCode}); see ${logFile}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up within ${seconds} s`);
}

function start(command: string, args: string[], env: Record<string, string>): ChildProcess {
  const log = createWriteStream(logFile, { flags: "a" });
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  children.push(child);
  return child;
}

/** Throws when something already listens on the port: a stray server would answer for ours. */
async function assertPortFree(port: number): Promise<void> {
  const busy = await fetch(`http://127.0.0.1:${port}/`).then(
    () => true,
    () => false,
  );
  if (busy) throw new Error(`port ${port} is already in use (a server from an earlier run?): stop it first`);
}

beforeAll(async () => {
  await assertPortFree(APP_PORT);
  await assertPortFree(SIMULATOR_PORT);
  console.log(`[soak] fuzz seed ${SEED} (FUZZ_SEED=${SEED} repeats it), ${RUNS} cases per route`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  if (!existsSync(".next/BUILD_ID")) {
    console.log("[soak] no production build: building first");
    const build = spawnSync("node_modules/.bin/next", ["build"], { stdio: "inherit" });
    if (build.status !== 0) throw new Error("next build failed");
  }
  const sim = start("node_modules/.bin/tsx", ["lib/simulator/main.ts"], {
    SIMULATOR_PORT: String(SIMULATOR_PORT),
    SIMULATOR_TOKENS_PER_SECOND: "2000",
    SIMULATOR_LOG: "0",
  });
  await waitFor(`http://127.0.0.1:${SIMULATOR_PORT}/__control/health`, sim, 60);
  // What `npm start` serves (Next, with POST /api/chat on its own node:http path).
  app = start(process.execPath, ["scripts/start.mjs", "-p", String(APP_PORT), "-H", "127.0.0.1"], {
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    DATABASE_URL: `file:${path.join(dataDir, "app.db")}`,
    QUOTA_TOKENS_PER_DAY: "0",
    BYTESPIKE_API_KEY: "sk-byts-soak-canary-0000000000",
    BYTESPIKE_BASE_URL: `http://127.0.0.1:${SIMULATOR_PORT}/v1`,
    AUTH_SIGN_IN_PER_MINUTE: "10",
    // The fuzz client plays the proxy in front: each sign-in case's X-Forwarded-For is its client.
    TRUSTED_PROXIES: "127.0.0.1",
  });
  await waitFor(`http://127.0.0.1:${APP_PORT}/sign-in`, app, 120);
  ctx = await setupFuzzContext(`http://127.0.0.1:${APP_PORT}`, ADMIN);
}, 900_000);

afterAll(async () => {
  for (const child of children) child.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 1000));
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

it(`fuzzes every route with ${RUNS} cases each`, { timeout: 6 * 3600_000 }, async () => {
  const seeds = await imageSeeds();
  const targets = fuzzTargets(seeds).filter((t) => !process.env.FUZZ_ROUTE || t.template === process.env.FUZZ_ROUTE);
  const queue = [...targets];
  const results: TargetStats[] = [];
  const failures: string[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let target = queue.shift(); target; target = queue.shift()) {
        try {
          const stats = await fuzzTarget(target, ctx, {
            numRuns: RUNS,
            seed: SEED,
            serverRoot: process.cwd(),
            progressEvery: 1000,
          });
          results.push(stats);
          console.log(
            `[soak] ${stats.template}: ${stats.cases} cases in ${(stats.ms / 1000).toFixed(0)} s, statuses ${JSON.stringify(stats.statuses)}`,
          );
        } catch (err) {
          failures.push((err as Error).message);
          console.log(`[soak] FAILED ${(err as Error).message}`);
        }
      }
    }),
  );
  const total = results.reduce((n, r) => n + r.cases, 0);
  console.log(
    `[soak] ${results.length} routes, ${total} cases in ${((performance.now() - started) / 1000).toFixed(0)} s (seed ${SEED}); ` +
      `${socketRetries.count} requests tried again after a pooled connection was reset`,
  );
  await assertHealthy(ctx);
  expect(app.exitCode).toBeNull();
  expect(failures).toEqual([]);
  for (const r of results) expect(r.cases, r.template).toBeGreaterThanOrEqual(RUNS);
  const log = readFileSync(logFile, "utf8");
  expect(log.match(/.*(?:uncaughtException|unhandledRejection|FATAL ERROR).*/g) ?? []).toEqual([]);
});
