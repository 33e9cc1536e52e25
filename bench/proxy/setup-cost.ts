// Diagnostic: the CPU one POST /api/chat costs the app's process, in process and one request at a time,
// split into what happens before the reply starts (session, validation, quota, the stored turn, the
// upstream request opened) and what follows its end (final save, usage, gateway status, title).
// The bench's 200-stream level queues new streams behind exactly this work; CPU time (unlike latency)
// is a fair before/after comparison on a shared machine.
//
//   node --conditions=react-server --import tsx bench/proxy/setup-cost.ts [--requests 200] [--phase setup|whole|both]   (add --cpu-prof to profile it)
//
// The simulator runs as a child process (its CPU is not counted). Fresh SQLite database in bench/.out.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BENCH_ADMIN, BENCH_KEY } from "./app-env";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
};
const REQUESTS = Number(opt("requests", "200"));
const WARM_UP = 40;
const KEY = BENCH_KEY;
const ADMIN = BENCH_ADMIN;
const outDir = path.join(root, "bench/.out/proxy");
const dbFile = path.join(outDir, "setup-cost.db");
mkdirSync(outDir, { recursive: true });
for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${dbFile}${suffix}`, { force: true });

const sim = spawn(process.execPath, ["--import", "tsx", path.join(here, "sim.ts")], {
  cwd: root,
  env: { ...process.env, BENCH_API_KEY: KEY },
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});
const simPort = await new Promise<number>((resolve, reject) => {
  sim.on("message", (m: { type?: string; port?: number }) => m.type === "ready" && resolve(m.port!));
  sim.on("exit", (code) => reject(new Error(`simulator exited (${code})`)));
});
const simBase = `http://127.0.0.1:${simPort}`;
process.on("exit", () => sim.kill("SIGKILL"));

const origin = "http://localhost:3000";
Object.assign(process.env, {
  NODE_ENV: "production",
  DATABASE_URL: `file:${dbFile}`,
  BETTER_AUTH_URL: origin,
  BETTER_AUTH_SECRET: "bench-only-secret-0123456789abcdef0123456789",
  ADMIN_EMAIL: ADMIN.email,
  ADMIN_PASSWORD: ADMIN.password,
  BYTESPIKE_API_KEY: KEY,
  BYTESPIKE_BASE_URL: `${simBase}/v1`,
  QUOTA_MAX_CONCURRENT: "0",
  QUOTA_TOKENS_PER_DAY: "0",
});

// --sql-times: time spent inside SQLite per statement text (better-sqlite3 runs synchronously).
const sqlTimes = new Map<string, { n: number; ms: number }>();
if (argv.includes("--sql-times")) {
  const { default: SQLite } = await import("better-sqlite3");
  const proto = (SQLite as unknown as { prototype: { prepare(sql: string): object } }).prototype;
  const prepare = proto.prepare;
  proto.prepare = function (this: unknown, sql: string) {
    const statement = prepare.call(this, sql) as Record<string, (...a: unknown[]) => unknown>;
    for (const method of ["run", "all", "get"]) {
      const original = statement[method]!.bind(statement);
      statement[method] = (...a: unknown[]) => {
        const t0 = performance.now();
        try {
          return original(...a);
        } finally {
          const e = sqlTimes.get(sql) ?? { n: 0, ms: 0 };
          e.n++;
          e.ms += performance.now() - t0;
          sqlTimes.set(sql, e);
        }
      };
    }
    return statement;
  };
}
const { startChatReply } = await import("@/lib/chat/chat-post");
const { getAuth } = await import("@/lib/auth");
const { ensureDatabase } = await import("@/lib/db");
await ensureDatabase();
const auth = await getAuth();
const signed = await auth.api.signInEmail({ body: ADMIN, returnHeaders: true });
const cookie = signed.headers
  .getSetCookie()
  .map((c) => c.split(";")[0])
  .join("; ");
const headers = new Headers({ cookie, origin, host: new URL(origin).host, "content-type": "application/json" });

async function script(response: Record<string, unknown>, times: number): Promise<void> {
  await fetch(`${simBase}/__control/reset`, { method: "POST" });
  const res = await fetch(`${simBase}/__control/script`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ responses: [{ ...response, times }] }),
  });
  if (!res.ok) throw new Error(`simulator refused the script: ${res.status}`);
}

let n = 0;
function post() {
  const id = `bench-${process.pid}-${++n}`;
  const body = {
    id,
    model: "glm-5-1",
    messages: [{ id: `${id}-q`, role: "user", parts: [{ type: "text", text: "请起草一则公告：下周起网关升级。" }] }],
  };
  return startChatReply({
    request: new Request(`${origin}/api/chat`, { method: "POST", headers }),
    readJson: async () => body,
  });
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Until the process has used (almost) no CPU for a while: the work after the replies is done. */
async function settle(): Promise<void> {
  for (;;) {
    const c0 = process.cpuUsage();
    await sleep(400);
    // (--cpu-prof's own sampling costs a few ms of CPU per 400 ms)
    if (cpuMs(process.cpuUsage(c0)) < (process.execArgv.includes("--cpu-prof") ? 40 : 4)) return;
  }
}

// 1. Before the reply: the upstream answers nothing for a minute, so no streaming work is counted.
async function setupOnly(count: number): Promise<number> {
  await script({ kind: "stream", firstByteDelayMs: 120_000, text: "好" }, count);
  const started = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < count; i++) started.push(await post());
  const used = cpuMs(process.cpuUsage(c0));
  for (const g of started) g.stop();
  await settle();
  return used / count;
}

// 2. Whole replies (a short one, unpaced), one after another, and everything that follows them.
async function whole(count: number): Promise<number> {
  await script({ kind: "stream", reasoning: "先想一想。", text: "好的，这是回复。", chunkDelayMs: 0 }, count * 2);
  const c0 = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const generation = await post();
    await new Promise<void>((resolve) => generation.subscribe((frame) => frame === null && resolve()));
  }
  await settle();
  return cpuMs(process.cpuUsage(c0)) / count;
}

await setupOnly(WARM_UP);
await whole(WARM_UP / 2);
const phase = opt("phase", "both");
sqlTimes.clear();
const before = phase === "whole" ? NaN : await setupOnly(REQUESTS);
const all = phase === "setup" ? NaN : await whole(REQUESTS / 2);
console.log(
  JSON.stringify({
    requests: REQUESTS,
    setupCpuMsPerRequest: Number(before.toFixed(3)),
    wholeReplyCpuMsPerRequest: Number(all.toFixed(3)),
  }),
);
for (const [sql, t] of [...sqlTimes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
  console.log(`${t.ms.toFixed(1).padStart(8)} ms ${String(t.n).padStart(6)}×  ${sql.slice(0, 110)}`);
}
sim.kill("SIGTERM");
process.exit(0);
