import { fuzzTarget, assertHealthy } from "@/test/fuzz/harness";
import { imageSeeds, setupFuzzContext } from "@/test/fuzz/setup";
import { fuzzTargets, type FuzzContext } from "@/test/fuzz/targets";
import { expect, test, E2E, SimulatorControl } from "./fixtures";
import { appRoutes } from "./routes";

// Hostile input, quick run: property-based fuzzing (fast-check) of every route under app/ over HTTP
// against the production build — body, query, headers, cookies, methods, ids. Never a 5xx, never a
// hang or a dead server, never a stack trace, server path or SQL in a body; our routes' 4xx are
// AppError JSON in zh-CN and English. A fixed seed (FUZZ_SEED overrides; FUZZ_ROUTE picks one route);
// `npm run test:soak` runs the same targets with 10,000+ cases each.

const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const only = process.env.FUZZ_ROUTE;

const targets = fuzzTargets([]);

test("every route under app/ has a fuzz target", () => {
  const templates = appRoutes()
    .filter((r) => r.kind === "api")
    .map((r) => r.template);
  expect(templates.length).toBeGreaterThan(15);
  expect(targets.map((t) => t.template).sort()).toEqual([...templates].sort());
});

test.describe("fuzzing every route", () => {
  let ctx: FuzzContext;
  let seeds: Uint8Array[];

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    await new SimulatorControl(`http://127.0.0.1:${E2E.simulatorPort}`).reset();
    ctx = await setupFuzzContext(`http://127.0.0.1:${E2E.appPort}`, {
      email: E2E.adminEmail,
      password: E2E.adminPassword,
    });
    seeds = await imageSeeds();
  });

  for (const { template } of targets.filter((t) => !only || t.template === only)) {
    test(`${template}: ${RUNS} hostile requests, seed ${SEED}`, async () => {
      test.setTimeout(180_000);
      const target = fuzzTargets(seeds).find((t) => t.template === template)!;
      const stats = await fuzzTarget(target, ctx, { numRuns: RUNS, seed: SEED, serverRoot: process.cwd() });
      expect(stats.cases).toBeGreaterThanOrEqual(RUNS);
      // Not every answer may be a refusal: some cases must reach the route's real work.
      expect(
        Object.entries(stats.statuses).some(([status]) => Number(status) < 300),
        JSON.stringify(stats.statuses),
      ).toBe(true);
      await assertHealthy(ctx);
    });
  }
});
