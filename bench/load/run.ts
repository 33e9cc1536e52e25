// `npm run bench:load`: many signed-in staff streaming replies at once through the production server, on SQLite
// and on PostgreSQL in one run. Each user sends a question to POST /api/chat as the browser does, reads the reply
// to its end, and sends the next, for a fixed time. Reported per database: errors, whether every question and
// every finished reply is in the database afterwards (as streamed, with a final status), time-to-first-token
// added by the app over the simulator's own (measured straight in the same run), the server's RSS every second,
// and server CPU per stream and per upstream event.
//
//   npm run bench:load                        200 users × 60 s on SQLite and PostgreSQL, writes bench/RESULTS.md
//   npm run bench:load -- --quick             20 users × 15 s, SQLite only, nothing written
//   options: --users N  --seconds S  --db sqlite,postgres  --no-write  --tps 60 (simulator tokens/s)
//            --turns-per-chat 3  --direct-seconds 20  --ramp-ms 2000  --grace 60  --rebuild (next build first)
//            --warm-seconds 60 (full load just before the measured run; 0 = none, as --quick)
//            --results <file> (default bench/RESULTS.md)  --nice N / --no-priority  --port-base 5130
//            --wait-quiet S (recorded runs wait up to S s for a quieter machine; default 180)
//            --app-revision TEXT (names the measured code when the tree is not a git checkout)
//            --pg-log-slow MS (PostgreSQL logs slower statements and lock waits to bench/.out/load/postgres.log)
//            --node-flags "…" (extra node/V8 flags for the server, for experiments)
//
// Every process runs on this machine and talks to 127.0.0.1 only: the simulator, the server (`npm start`'s scripts/start.mjs over the
// build in .next) and the load generator are separate processes, measured through /proc.
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  copyFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { loadavg, setPriority } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { machineInfo, processTree, rssKb, treeCpuMs } from "../proxy/proc";
import { percentile, sortedCopy } from "../proxy/stats";
import type { RunJob, RunResult, SetupJob, SetupResult, TurnRecord } from "./generator";
import type { SimCounters, UpstreamTurn } from "./sim";
import {
  checkHistory,
  countStreaming,
  pgConnectionSampler,
  verify,
  type DbTarget,
  type HistoryCheck,
  type Verification,
} from "./verify";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const API_KEY = "sk-byts-load-000000";
const MODEL = "glm-5-1";
const ADMIN = { email: "load-admin@load.example.com", password: "load-admin-password-0001" };

// ---------- options ----------

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const opt = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
};
const quick = flag("quick");
const USERS = Number(opt("users", quick ? "20" : "200"));
const SECONDS = Number(opt("seconds", quick ? "15" : "60"));
const DBS = opt("db", quick ? "sqlite" : "sqlite,postgres")
  .split(",")
  .map((d) => d.trim())
  .filter(Boolean) as Array<"sqlite" | "postgres">;
const TPS = Number(opt("tps", "60"));
const TURNS_PER_CHAT = Number(opt("turns-per-chat", "3"));
const DIRECT_SECONDS = Number(opt("direct-seconds", String(Math.min(20, SECONDS))));
/**
 * Full load right before the measured run, so that its RSS verdict is about the server's steady state: V8 grows its
 * heap to its working size over the first ~50 s of such load (README, "Load"). The RSS from cold is reported too.
 */
const WARM_SECONDS = Number(opt("warm-seconds", quick ? "0" : "60"));
const RAMP_MS = Number(opt("ramp-ms", "2000"));
const GRACE_MS = Number(opt("grace", "60")) * 1000;
const PORT_BASE = Number(opt("port-base", "5130"));
const RESULTS = path.resolve(opt("results", path.join(root, "bench/RESULTS.md")));
/** As bench/proxy: the suite's own processes run at nice -10 (process and autogroup) unless --no-priority. */
const NICE = flag("no-priority") ? 0 : Number(opt("nice", "-10"));
const write = !quick && !flag("no-write");
/** Before a recorded run, wait up to this long for a 1-minute load average below 2.5 (the machine is shared). */
const WAIT_QUIET_MS = Number(opt("wait-quiet", "180")) * 1000;
/** RSS growth allowed between the 10–15 s window and the last 5 s of the run. */
const RSS_TOLERANCE = 0.1;
const outDir = path.join(root, "bench/.out/load");
/** Diagnostics: PostgreSQL logs statements slower than this many ms and lock waits (copied to bench/.out/load). */
const PG_LOG_SLOW = opt("pg-log-slow", "");
/** Diagnostics: extra node flags for the server (e.g. "--max-semi-space-size=64"), space-separated. */
const NODE_FLAGS = opt("node-flags", "").split(" ").filter(Boolean);

for (const d of DBS) if (d !== "sqlite" && d !== "postgres") throw new Error(`--db: unknown database ${d}`);
if (!(USERS > 0 && SECONDS > 0)) throw new Error("--users and --seconds must be positive");

// ---------- child processes (own process groups; all killed on exit) ----------

const children = new Set<ChildProcess>();
const cleanups: Array<() => void> = [];

function raisePriority(pids: number[]): void {
  if (NICE === 0) return;
  for (const pid of pids) {
    try {
      setPriority(pid, NICE);
    } catch {
      // not permitted: measure at the default priority
    }
    try {
      writeFileSync(`/proc/${pid}/autogroup`, String(NICE));
    } catch {
      // no autogroup
    }
  }
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  if (child.pid !== undefined) raisePriority([child.pid]);
  child.on("exit", () => children.delete(child));
  return child;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // gone
    }
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  killGroup(child, "SIGTERM");
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

process.on("exit", () => {
  for (const child of children) killGroup(child, "SIGKILL");
  for (const cleanup of cleanups.splice(0)) cleanup();
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the load suite's processes`);
    process.exit(130);
  });
}

function forkTs(file: string, env: Record<string, string>): ChildProcess {
  return track(
    spawn(process.execPath, ["--import", "tsx", file], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      detached: true,
    }),
  );
}

function ask<T>(child: ChildProcess, message: object, reply: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no "${reply}" from child within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: { type?: string; error?: string }) => {
      if (m?.type === "failed") done(new Error(`child failed: ${m.error}`));
      else if (m?.type === reply) done(undefined, m as T);
    };
    const onExit = (code: number | null) => done(new Error(`child exited (${code}) before "${reply}"`));
    function done(err?: Error, value?: T) {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      if (err) reject(err);
      else resolve(value!);
    }
    child.on("message", onMessage);
    child.on("exit", onExit);
    if (Object.keys(message).length) child.send(message);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------- the build ----------

function ensureBuild(): string {
  const buildId = path.join(root, ".next/BUILD_ID");
  if (existsSync(buildId) && !flag("rebuild")) {
    const built = statSync(buildId).mtimeMs;
    if (newestMtime(["app", "lib", "proxy.ts", "instrumentation.ts", "next.config.mjs"]) > built)
      console.warn("! .next is older than app/ or lib/: pass --rebuild to measure the current code");
    return readFileSync(buildId, "utf8").trim();
  }
  console.log("building the app once (next build)…");
  const build = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (build.status !== 0) throw new Error("next build failed");
  return readFileSync(buildId, "utf8").trim();
}

function newestMtime(rels: string[]): number {
  let newest = 0;
  const visit = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) for (const name of readdirSync(p)) visit(path.join(p, name));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const rel of rels) if (existsSync(path.join(root, rel))) visit(path.join(root, rel));
  return newest;
}

// ---------- the database and the server ----------

interface Database {
  target: DbTarget;
  /** DATABASE_URL for the app. */
  url: string;
  /** The PostgreSQL server's postmaster (its backends are its children), for CPU and priority. */
  pid?: number;
  stop(): void;
}

function startDatabase(kind: "sqlite" | "postgres", port: number): Database {
  if (kind === "sqlite") {
    const file = path.join(outDir, "load-app.db");
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${file}${suffix}`, { force: true });
    return { target: { kind: "sqlite", path: file }, url: `file:${file}`, stop: () => {} };
  }
  // A throwaway cluster, as the e2e PostgreSQL instance gets (e2e/servers/start-app.mjs).
  const out = execFileSync(path.join(root, "scripts/pg-test-cluster.sh"), ["start", String(port)], {
    cwd: root,
    encoding: "utf8",
  });
  const dir = /^PGTEST_DIR=(.+)$/m.exec(out)?.[1];
  const url = /^DATABASE_URL=(.+)$/m.exec(out)?.[1];
  if (!dir || !url) throw new Error(`pg-test-cluster.sh printed no DATABASE_URL:\n${out}`);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (PG_LOG_SLOW) copyFileSync(path.join(dir, "server.log"), path.join(outDir, "postgres.log"));
    execFileSync(path.join(root, "scripts/pg-test-cluster.sh"), ["stop", dir], { stdio: "ignore" });
  };
  cleanups.push(stop);
  // The database server is part of what is measured: it gets the suite's priority too (backends inherit it).
  const pid = Number(readFileSync(path.join(dir, "data/postmaster.pid"), "utf8").split("\n")[0]);
  raisePriority(processTree(pid));
  if (PG_LOG_SLOW) {
    const settings = [
      `ALTER SYSTEM SET log_min_duration_statement = ${Number(PG_LOG_SLOW)}`,
      "ALTER SYSTEM SET log_lock_waits = on",
      // deadlock_timeout's least value is 1 ms (--pg-log-slow 0 logs every statement).
      `ALTER SYSTEM SET deadlock_timeout = '${Math.max(1, Number(PG_LOG_SLOW))}ms'`,
      "SELECT pg_reload_conf()",
    ];
    for (const sql of settings) execFileSync("psql", [url, "-qAtc", sql], { stdio: "ignore" });
  }
  return { target: { kind: "postgres", url }, url, pid, stop };
}

interface Server {
  origin: string;
  child: ChildProcess;
  logFile: string;
  /** The V8 heap in use after each full (mark-compact) collection, from --trace-gc: when it happened, and MB. */
  fullGcs: Array<{ at: number; mb: number }>;
  /** What the server's memory is made of, once a second (bench/load/memstats.mjs). */
  memory: Array<{ at: number } & MemoryStats>;
}

// `[pid:0x…]  1234 ms: Mark-Compact (reduce) 80.5 (95.2) -> 60.1 (90.3) MB, …`: the heap used after the collection.
const FULL_GC = /Mark-Compact[^\d]*[\d.]+ \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/;

/** A line of bench/load/memstats.mjs (MB; event-loop delay in ms). */
const MEMSTATS = "[memstats] ";
interface MemoryStats {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  anon?: number;
  loopP50: number;
  loopP99: number;
}

async function startServer(db: Database, port: number, simOrigin: string, label: string): Promise<Server> {
  const origin = `http://127.0.0.1:${port}`;
  const logFile = path.join(outDir, `server-${label}.log`);
  const log = createWriteStream(logFile);
  const child = track(
    spawn(
      process.execPath,
      [
        // One line per full collection (scavenges left out): what the heap holds after it tells a leak from a
        // heap that merely has not been collected yet.
        "--trace-gc",
        "--trace-gc-ignore-scavenger",
        ...NODE_FLAGS,
        // What the process's memory is made of, once a second on stderr (bench/load/memstats.mjs).
        "--import",
        pathToFileURL(path.join(here, "memstats.mjs")).href,
        // What `npm start` runs: Next behind node:http, POST /api/chat on its lean path.
        path.join(root, "scripts/start.mjs"),
        "-p",
        String(port),
        "-H",
        "127.0.0.1",
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          NODE_ENV: "production",
          NEXT_TELEMETRY_DISABLED: "1",
          BYTESPIKE_API_KEY: API_KEY,
          BYTESPIKE_BASE_URL: `${simOrigin}/v1`,
          PORT: String(port),
          DATABASE_URL: db.url,
          BETTER_AUTH_URL: origin,
          BETTER_AUTH_SECRET: "load-only-secret-0123456789abcdef0123456789",
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
          AUTH_SIGN_IN_PER_MINUTE: "10000",
          QUOTA_MAX_CONCURRENT: "0",
          QUOTA_TOKENS_PER_DAY: "0",
          GLM_MEMSTATS: "1",
        },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      },
    ),
  );
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const fullGcs: Server["fullGcs"] = [];
  const memory: Server["memory"] = [];
  let partialErr = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    const lines = (partialErr + chunk).split("\n");
    partialErr = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith(MEMSTATS)) continue;
      try {
        memory.push({ at: Date.now(), ...(JSON.parse(line.slice(MEMSTATS.length)) as MemoryStats) });
      } catch {
        // a torn line
      }
    }
  });
  let partial = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      const m = FULL_GC.exec(line);
      if (m) fullGcs.push({ at: Date.now(), mb: Number(m[1]) });
    }
  });
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}; see ${logFile}`);
    try {
      const res = await fetch(`${origin}/api/models`);
      await res.arrayBuffer();
      if (res.status < 500) break; // 401: up, wants a session
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`the server did not answer within 60 s; see ${logFile}`);
    await sleep(250);
  }
  raisePriority(processTree(child.pid!));
  return { origin, child, logFile, fullGcs, memory };
}

/** Lines of the server's log that report a failure (the app logs every unexpected error with console.error). */
function serverLogErrors(file: string): string[] {
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  return text.split("\n").filter((l) => !FULL_GC.test(l) && /error|failed|unhandled|exception|warn/i.test(l));
}

// ---------- measurement ----------

interface Latency {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

function latency(values: number[]): Latency {
  const s = sortedCopy(values);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s.length ? s[s.length - 1]! : NaN };
}

interface RssSample {
  t: number;
  mb: number;
}

interface RssSummary {
  samples: RssSample[];
  startMb: number;
  at10Mb: number;
  endMb: number;
  peakMb: number;
  /** Least-squares slope from 10 s to the end, MB per minute. */
  slopeMbPerMin: number;
  growth: number;
  pass: boolean;
}

const median = (xs: number[]) => percentile(sortedCopy(xs), 50);

function summarizeRss(samples: RssSample[], seconds: number): RssSummary {
  const within = samples.filter((s) => s.t <= seconds + 0.5);
  const window = (from: number, to: number) => within.filter((s) => s.t >= from && s.t < to).map((s) => s.mb);
  const at10 = median(window(10, 15));
  const end = median(window(seconds - 5, seconds + 0.5));
  const tail = within.filter((s) => s.t >= 10);
  let slope = NaN;
  if (tail.length >= 3) {
    const mx = tail.reduce((a, s) => a + s.t, 0) / tail.length;
    const my = tail.reduce((a, s) => a + s.mb, 0) / tail.length;
    const num = tail.reduce((a, s) => a + (s.t - mx) * (s.mb - my), 0);
    const den = tail.reduce((a, s) => a + (s.t - mx) ** 2, 0);
    slope = den > 0 ? (num / den) * 60 : NaN;
  }
  const growth = end / at10 - 1;
  return {
    samples,
    startMb: samples[0]?.mb ?? NaN,
    at10Mb: at10,
    endMb: end,
    peakMb: Math.max(...samples.map((s) => s.mb)),
    slopeMbPerMin: slope,
    growth,
    pass: Number.isFinite(growth) && growth <= RSS_TOLERANCE,
  };
}

interface DbReport {
  db: "sqlite" | "postgres";
  setup: SetupResult & { users: Array<{ id: string; email: string }> };
  direct: { ttft: Latency; turns: number; failed: number; replyMs: Latency };
  app: {
    turns: number;
    ok: number;
    failed: number;
    failures: Record<string, number>;
    failureExamples: string[];
    ttft: Latency;
    /** Questions sent after the first 10 s (the ramp and every user's first chat are behind). */
    ttftAfter10: Latency;
    replyMs: Latency;
    sendWindowMs: number;
    wallMs: number;
    clientCpuMs: number;
    events: number;
    probeNoSession: Latency;
    probeSession: Latency;
  };
  upstream: SimCounters;
  serverCpuMs: number;
  /** PostgreSQL: CPU of the database server's processes; the app's connections busy, sampled each second. */
  dbCpuMs: number | null;
  poolBusy: Latency | null;
  rss: RssSummary;
  /** Heap in use after each full collection during the run (s since the first question, MB). */
  fullGcs: RssSample[];
  /** Full load just before the measured run (none with --warm-seconds 0). */
  warm: WarmUp | undefined;
  /** The server's own memory figures during the run (s since the first question). */
  memory: Array<{ t: number } & MemoryStats>;
  settleMs: number;
  streamingLeft: number;
  verification: Verification;
  history: HistoryCheck;
  logErrors: string[];
  loadavg: number[];
  loadStart: number[];
}

function classify(error: string): string {
  if (error.startsWith("HTTP ")) return error.slice(0, 8);
  if (error.startsWith("error frame")) return "error frame";
  if (error.startsWith("network")) return "network";
  if (error.startsWith("not finished")) return "not finished in time";
  return error.split(":")[0]!;
}

async function simCounters(sim: ChildProcess): Promise<SimCounters> {
  return (await ask<{ counters: SimCounters }>(sim, { type: "counters" }, "counters", 10_000)).counters;
}

async function waitLowLoad(limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  while (loadavg()[0]! > 2.5 && Date.now() < until) {
    console.log(`  waiting for a quieter machine (1-min load ${loadavg()[0]!.toFixed(2)})…`);
    await sleep(15_000);
  }
}

async function measureDatabase(
  kind: "sqlite" | "postgres",
  index: number,
  sim: ChildProcess,
  simOrigin: string,
  generator: ChildProcess,
): Promise<DbReport> {
  console.log(`\n— ${kind}`);
  const db = startDatabase(kind, PORT_BASE + 3 + index);
  let server: Server | undefined;
  try {
    server = await startServer(db, PORT_BASE + index, simOrigin, kind);
    console.log(`  server up at ${server.origin} (log: ${path.relative(root, server.logFile)})`);
    const setupJob: SetupJob = { type: "setup", origin: server.origin, admin: ADMIN, users: USERS, parallel: 8 };
    const { result: setup } = await ask<{ result: SetupResult }>(generator, setupJob, "setup-done", 600_000);
    console.log(
      `  ${setup.users.length} staff accounts created through the admin API in ${(setup.createMs / 1000).toFixed(1)} s, ` +
        `signed in in ${(setup.signInMs / 1000).toFixed(1)} s`,
    );

    const base = { origin: server.origin, apiKey: API_KEY, model: MODEL, turnsPerChat: TURNS_PER_CHAT };
    // Warm-up: the first requests load route code and open the database; not measured.
    await runJob(generator, {
      ...base,
      type: "run",
      mode: "app",
      users: Math.min(20, USERS),
      seconds: 3,
      rampMs: 500,
      graceMs: 30_000,
    });
    await drain(sim);
    await upstreamTurns(sim);
    const { tools } = await ask<{ tools: unknown }>(sim, { type: "tools" }, "tools", 10_000);
    if (!tools) console.warn("  ! the app sent no tools upstream in the warm-up: the direct run goes without");

    if (write) await waitLowLoad(WAIT_QUIET_MS);
    const loadStart = loadavg();
    // The simulator's own time-to-first-token under the same users, straight to it (no app).
    const direct = await runJob(generator, {
      ...base,
      type: "run",
      mode: "direct",
      origin: simOrigin,
      tools,
      users: USERS,
      seconds: DIRECT_SECONDS,
      rampMs: RAMP_MS,
      graceMs: GRACE_MS,
    });
    await drain(sim);
    await upstreamTurns(sim);
    console.log(
      `  direct to the simulator: ${direct.turns.length} replies, TTFT p50 ${fmt(latency(ttfts(direct.turns)).p50)} ms`,
    );

    const pids = () => processTree(server!.child.pid!);
    const warm = WARM_SECONDS > 0 ? await warmUp(generator, sim, base, pids) : undefined;

    // The measured run.
    const cpu0 = new Map(pids().map((p) => [p, treeCpuMs([p])]));
    const up0 = await simCounters(sim);
    const samples: RssSample[] = [];
    const t0 = Date.now();
    const dbCpu0 = db.pid ? treeCpuMs(processTree(db.pid)) : 0;
    const pool = db.target.kind === "postgres" ? await pgConnectionSampler(db.target.url) : undefined;
    const sampleRss = () => {
      samples.push({ t: (Date.now() - t0) / 1000, mb: rssKb(pids()) / 1024 });
      pool?.sample().catch(() => {});
    };
    sampleRss();
    const sampler = setInterval(sampleRss, 1000);
    const result = await runJob(generator, {
      ...base,
      type: "run",
      mode: "app",
      users: USERS,
      seconds: SECONDS,
      rampMs: RAMP_MS,
      graceMs: GRACE_MS,
      probeMs: 500,
    });
    clearInterval(sampler);
    const dbCpuMs = db.pid ? treeCpuMs(processTree(db.pid)) - dbCpu0 : null;
    const poolBusy = pool ? await pool.stop() : [];
    let serverCpuMs = 0;
    for (const pid of pids()) serverCpuMs += treeCpuMs([pid]) - (cpu0.get(pid) ?? 0);
    const loadEnd = loadavg();

    // Settle: the app finalizes each reply and names new chats right after the last frame.
    const s0 = Date.now();
    await drain(sim);
    let streamingLeft = await countStreaming(db.target);
    while (streamingLeft > 0 && Date.now() - s0 < 30_000) {
      await sleep(250);
      streamingLeft = await countStreaming(db.target);
    }
    const settleMs = Date.now() - s0;
    const up1 = await simCounters(sim);
    const upstream: SimCounters = {
      requests: up1.requests - up0.requests,
      titleRequests: up1.titleRequests - up0.titleRequests,
      chunks: up1.chunks - up0.chunks,
      completed: up1.completed - up0.completed,
      closedEarly: up1.closedEarly - up0.closedEarly,
      failed: up1.failed - up0.failed,
      open: up1.open,
    };
    const history = checkHistory(result.turns, await upstreamTurns(sim));
    const verification = await verify(
      db.target,
      result.turns,
      setup.users.map((u) => u.id),
    );

    const failed = result.turns.filter((t) => !t.ok);
    const failures: Record<string, number> = {};
    for (const t of failed) failures[classify(t.error ?? "?")] = (failures[classify(t.error ?? "?")] ?? 0) + 1;
    const report: DbReport = {
      db: kind,
      setup,
      direct: {
        ttft: latency(ttfts(direct.turns)),
        turns: direct.turns.length,
        failed: direct.turns.filter((t) => !t.ok).length,
        replyMs: latency(direct.turns.filter((t) => t.ok).map((t) => t.endedAt! - t.sentAt)),
      },
      app: {
        turns: result.turns.length,
        ok: result.turns.length - failed.length,
        failed: failed.length,
        failures,
        failureExamples: failed.slice(0, 5).map((t) => `user ${t.user}: ${t.error}`),
        ttft: latency(ttfts(result.turns)),
        ttftAfter10: latency(ttfts(result.turns.filter((t) => t.sentAt >= 10_000))),
        replyMs: latency(result.turns.filter((t) => t.ok).map((t) => t.endedAt! - t.sentAt)),
        sendWindowMs: result.sendWindowMs,
        wallMs: result.wallMs,
        clientCpuMs: result.clientCpuMs,
        events: result.turns.reduce((a, t) => a + t.events, 0),
        probeNoSession: latency(result.probes.noSession),
        probeSession: latency(result.probes.session),
      },
      upstream,
      serverCpuMs,
      dbCpuMs,
      poolBusy: poolBusy.length ? latency(poolBusy) : null,
      rss: summarizeRss(samples, SECONDS),
      fullGcs: server.fullGcs
        .filter((g) => g.at >= t0 && g.at <= t0 + result.wallMs)
        .map((g) => ({ t: (g.at - t0) / 1000, mb: g.mb })),
      warm,
      memory: server.memory
        .filter((m) => m.at >= t0 && m.at <= t0 + result.wallMs)
        .map(({ at, ...m }) => ({ ...m, t: (at - t0) / 1000 })),
      settleMs,
      streamingLeft,
      verification,
      history,
      logErrors: serverLogErrors(server.logFile),
      loadavg: loadEnd,
      loadStart,
    };
    mkdirSync(outDir, { recursive: true });
    writeFileSync(
      path.join(outDir, `turns-${kind}.json`),
      JSON.stringify({ users: setup.users, turns: result.turns }, null, 1),
    );
    printDb(report);
    return report;
  } finally {
    if (server) await stopChild(server.child);
    db.stop();
  }
}

const ttfts = (turns: TurnRecord[]) => turns.flatMap((t) => (t.ttftMs === undefined ? [] : [t.ttftMs]));

async function runJob(generator: ChildProcess, job: RunJob): Promise<RunResult> {
  const timeout = (job.seconds + job.graceMs / 1000 + 120) * 1000;
  return (await ask<{ result: RunResult }>(generator, job, "run-done", timeout)).result;
}

async function upstreamTurns(sim: ChildProcess): Promise<UpstreamTurn[]> {
  return (await ask<{ turns: UpstreamTurn[] }>(sim, { type: "turns" }, "turns", 30_000)).turns;
}

interface WarmUp {
  seconds: number;
  turns: number;
  failed: number;
  /** The server's RSS from cold, every second (s since the warm-up's first question). */
  rss: RssSample[];
}

/** All users at full load for WARM_SECONDS, RSS sampled; then waits until the server is idle (titles included). */
async function warmUp(
  generator: ChildProcess,
  sim: ChildProcess,
  base: Pick<RunJob, "origin" | "apiKey" | "model" | "turnsPerChat">,
  pids: () => number[],
): Promise<WarmUp> {
  const rss: RssSample[] = [];
  const w0 = Date.now();
  const sample = () => rss.push({ t: (Date.now() - w0) / 1000, mb: rssKb(pids()) / 1024 });
  sample();
  const timer = setInterval(sample, 1000);
  const result = await runJob(generator, {
    ...base,
    type: "run",
    mode: "app",
    users: USERS,
    seconds: WARM_SECONDS,
    rampMs: RAMP_MS,
    graceMs: GRACE_MS,
  });
  clearInterval(timer);
  // Title requests are sent a few at a time: idle means no request open for a while, not for one poll.
  for (let quiet = 0; quiet < 4;) {
    await drain(sim);
    quiet = (await simCounters(sim)).open === 0 ? quiet + 1 : 0;
    await sleep(250);
  }
  await upstreamTurns(sim);
  const failed = result.turns.filter((t) => !t.ok).length;
  const mb = (i: number) => fmt(rss.at(i)?.mb);
  console.log(
    `  warm-up (${WARM_SECONDS} s, full load): ${result.turns.length} questions, ${failed} failed; RSS from cold ${mb(0)} → ${mb(-1)} MB`,
  );
  return { seconds: WARM_SECONDS, turns: result.turns.length, failed, rss };
}

/** Waits until the simulator plays no stream and answers no title request. */
async function drain(sim: ChildProcess, limitMs = 60_000): Promise<void> {
  const until = Date.now() + limitMs;
  while ((await simCounters(sim)).open > 0 && Date.now() < until) await sleep(250);
}

// ---------- report ----------

const fmt = (v: number | null | undefined, digits = 0) =>
  v === null || v === undefined || Number.isNaN(v) ? "–" : v.toFixed(digits).replace(/^-(0(\.0+)?)$/, "$1");
const pct = (a: number, b: number) => (b === 0 ? "–" : `${((a / b) * 100).toFixed(a === b ? 0 : 2)}%`);

interface Verdict {
  target: string;
  measured: string;
  pass: boolean;
}

function verdicts(r: DbReport): Verdict[] {
  const v = r.verification;
  const added50 = r.app.ttft.p50 - r.direct.ttft.p50;
  const added99 = r.app.ttft.p99 - r.direct.ttft.p99;
  return [
    {
      target: "errors: 0 (non-2xx, error or abort frame, stream not finished)",
      measured: `${r.app.failed} of ${r.app.turns}${
        r.app.failed
          ? ` (${Object.entries(r.app.failures)
              .map(([k, n]) => `${k} ×${n}`)
              .join(", ")})`
          : ""
      }${r.warm ? `; warm-up ${r.warm.failed} of ${r.warm.turns}` : ""}`,
      pass: r.app.failed === 0 && (r.warm?.failed ?? 0) === 0,
    },
    {
      target: "every question the server accepted is in the database, as sent",
      measured: `${v.questionsStored}/${v.questionsAccepted} (${pct(v.questionsStored, v.questionsAccepted)})`,
      pass: v.questionsAccepted > 0 && v.questionsStored === v.questionsAccepted,
    },
    {
      target: "every finished reply is in the database: status done, text and reasoning as streamed, usage",
      measured: `${v.repliesStored}/${v.repliesFinished} (${pct(v.repliesStored, v.repliesFinished)}); usage counted for ${v.repliesWithUsage}`,
      pass: v.repliesFinished > 0 && v.repliesStored === v.repliesFinished && v.repliesWithUsage === v.repliesFinished,
    },
    {
      target: "each follow-up question reaches the gateway with the previous reply as the user saw it",
      measured: `${r.history.matching}/${r.history.followUps}${r.history.missing ? ` (${r.history.missing} without it)` : ""}`,
      pass: r.history.followUps > 0 && r.history.matching === r.history.followUps,
    },
    {
      target: "each new chat is named after its first question, with one title request",
      measured: `${v.chatsTitledFromFirst}/${v.chats} named after the first question${v.chatsUntitled ? `, ${v.chatsUntitled} untitled` : ""}; ${r.upstream.titleRequests} title requests for ${v.chats} chats`,
      pass: v.chats > 0 && v.chatsTitledFromFirst === v.chats && r.upstream.titleRequests === v.chats,
    },
    {
      target: "no reply left streaming once the server is idle",
      measured: `${r.streamingLeft} (settled ${fmt(r.settleMs / 1000, 1)} s after the last stream)`,
      pass: r.streamingLeft === 0,
    },
    {
      target: `added TTFT p50 ≤ 50 ms (issue 2's target at 200 streams)`,
      measured: `${fmt(added50)} ms (${fmt(r.app.ttft.p50)} vs ${fmt(r.direct.ttft.p50)} direct)`,
      pass: added50 <= 50,
    },
    {
      target: `added TTFT p99 ≤ 150 ms`,
      measured: `${fmt(added99)} ms (${fmt(r.app.ttft.p99)} vs ${fmt(r.direct.ttft.p99)} direct)`,
      pass: added99 <= 150,
    },
    {
      target: `server RSS: no growth after the first 10 s (last 5 s ≤ 10–15 s window + ${RSS_TOLERANCE * 100}%${
        r.warm ? `; after a ${r.warm.seconds} s warm-up at full load` : ""
      })`,
      measured: `${fmt(r.rss.at10Mb)} → ${fmt(r.rss.endMb)} MB (${r.rss.growth >= 0 ? "+" : ""}${fmt(r.rss.growth * 100, 1)}%), slope ${fmt(r.rss.slopeMbPerMin, 1)} MB/min`,
      pass: r.rss.pass,
    },
  ];
}

function printDb(r: DbReport): void {
  console.log(
    `  app: ${r.app.turns} questions, ${r.app.ok} replies finished, ${r.app.failed} failed; TTFT p50 ${fmt(r.app.ttft.p50)} ms p99 ${fmt(r.app.ttft.p99)} ms; ` +
      `reply p50 ${fmt(r.app.replyMs.p50 / 1000, 1)} s; server CPU ${fmt(r.serverCpuMs / 1000, 1)} s; RSS ${fmt(r.rss.startMb)} → ${fmt(r.rss.at10Mb)} → ${fmt(r.rss.endMb)} MB (peak ${fmt(r.rss.peakMb)})`,
  );
  if (r.app.failureExamples.length) console.log(`  failures: ${r.app.failureExamples.join(" | ")}`);
  if (r.history.problems.length) console.log(`  history: ${r.history.problems.join("\n           ")}`);
  if (r.verification.problems.length) console.log(`  database: ${r.verification.problems.join("\n            ")}`);
  if (r.logErrors.length) console.log(`  server log: ${r.logErrors.length} error lines, first: ${r.logErrors[0]}`);
  console.log(verdictTable(verdicts(r)));
}

function verdictTable(v: Verdict[]): string {
  return [
    "| target | measured | |",
    "| --- | --- | --- |",
    ...v.map((x) => `| ${x.target} | ${x.measured} | ${x.pass ? "PASS" : "**FAIL**"} |`),
  ].join("\n");
}

function detailTable(reports: DbReport[]): string {
  const rows: Array<[string, (r: DbReport) => string]> = [
    ["questions sent / replies finished", (r) => `${r.app.turns} / ${r.app.ok}`],
    ["replies per second (send window)", (r) => fmt(r.app.ok / (r.app.sendWindowMs / 1000), 1)],
    [
      "reply duration p50 / p99 (app) · direct",
      (r) =>
        `${fmt(r.app.replyMs.p50 / 1000, 1)} / ${fmt(r.app.replyMs.p99 / 1000, 1)} s · ${fmt(r.direct.replyMs.p50 / 1000, 1)} s`,
    ],
    [
      "TTFT p50 / p99 / max (app)",
      (r) => `${fmt(r.app.ttft.p50)} / ${fmt(r.app.ttft.p99)} / ${fmt(r.app.ttft.max)} ms`,
    ],
    [
      "TTFT p50 / p99 of questions sent after the first 10 s (app)",
      (r) => `${fmt(r.app.ttftAfter10.p50)} / ${fmt(r.app.ttftAfter10.p99)} ms`,
    ],
    [
      "TTFT p50 / p99 (simulator direct, same users)",
      (r) =>
        `${fmt(r.direct.ttft.p50)} / ${fmt(r.direct.ttft.p99)} ms (${r.direct.turns} replies, ${r.direct.failed} failed)`,
    ],
    [
      "side requests p50 / p99: no session (proxy 401) · GET /api/models signed in",
      (r) =>
        `${fmt(r.app.probeNoSession.p50)} / ${fmt(r.app.probeNoSession.p99)} ms · ${fmt(r.app.probeSession.p50)} / ${fmt(r.app.probeSession.p99)} ms`,
    ],
    [
      "upstream requests (chat + title) / chunks",
      (r) => `${r.upstream.requests - r.upstream.titleRequests} + ${r.upstream.titleRequests} / ${r.upstream.chunks}`,
    ],
    ["UI frames received", (r) => String(r.app.events)],
    [
      "server CPU (s) · busy share of one core",
      (r) => `${fmt(r.serverCpuMs / 1000, 1)} · ${fmt((r.serverCpuMs / r.app.wallMs) * 100)}%`,
    ],
    [
      "database server CPU (s) · app connections busy p50 / max (pool of 30, lib/db/client.ts)",
      (r) =>
        r.dbCpuMs === null
          ? "– (in the server process)"
          : `${fmt(r.dbCpuMs / 1000, 1)} · ${fmt(r.poolBusy?.p50)} / ${fmt(r.poolBusy?.max)}`,
    ],
    ["server CPU per stream", (r) => `${fmt(r.serverCpuMs / Math.max(1, r.app.ok), 1)} ms`],
    ["server CPU per upstream event", (r) => `${fmt((r.serverCpuMs * 1000) / Math.max(1, r.upstream.chunks), 1)} µs`],
    [
      "RSS start / 10 s / end / peak",
      (r) => `${fmt(r.rss.startMb)} / ${fmt(r.rss.at10Mb)} / ${fmt(r.rss.endMb)} / ${fmt(r.rss.peakMb)} MB`,
    ],
    ["RSS every 10 s", (r) => rssCurve(r.rss.samples)],
    [
      "RSS from cold: every 10 s of the warm-up at full load, then the measured run's end",
      (r) => (r.warm ? `${rssCurve(r.warm.rss, r.warm.seconds)} · ${fmt(r.rss.endMb)}` : "no warm-up"),
    ],
    ["V8 heap after each full GC (at s: MB)", (r) => gcCurve(r.fullGcs)],
    [
      "server memory at 10 s → end: V8 heap committed (in use) · Buffers · the rest of anonymous memory",
      (r) => `${memoryAt(r.memory, 10)} → ${memoryAt(r.memory, SECONDS)}`,
    ],
    [
      "server event-loop delay, median of each second's p50 / p99",
      (r) =>
        r.memory.length
          ? `${fmt(median(r.memory.map((m) => m.loopP50)), 1)} / ${fmt(median(r.memory.map((m) => m.loopP99)), 1)} ms`
          : "–",
    ],
    [
      "rows: conversations · messages by role:status",
      (r) =>
        `${r.verification.conversations} · ${Object.entries(r.verification.statusCounts)
          .map(([k, n]) => `${k} ${n}`)
          .join(", ")}`,
    ],
    ["load generator CPU", (r) => `${fmt(r.app.clientCpuMs / 1000, 1)} s`],
    [
      "accounts: created · signed in",
      (r) => `${fmt(r.setup.createMs / 1000, 1)} s · ${fmt(r.setup.signInMs / 1000, 1)} s`,
    ],
    ["server log lines with errors", (r) => String(r.logErrors.length)],
    [
      "load average (1/5/15 min) before → after",
      (r) => `${r.loadStart.map((x) => x.toFixed(1)).join("/")} → ${r.loadavg.map((x) => x.toFixed(1)).join("/")}`,
    ],
  ];
  return [
    `| | ${reports.map((r) => r.db).join(" | ")} |`,
    `| --- | ${reports.map(() => "---").join(" | ")} |`,
    ...rows.map(([label, f]) => `| ${label} | ${reports.map(f).join(" | ")} |`),
  ].join("\n");
}

function rssCurve(samples: RssSample[], seconds = SECONDS): string {
  const out: string[] = [];
  for (let t = 0; t <= seconds; t += 10) {
    const s = samples.find((x) => x.t >= t);
    if (s) out.push(fmt(s.mb));
  }
  return out.join(" → ");
}

function memoryAt(samples: DbReport["memory"], t: number): string {
  const m = samples.find((x) => x.t >= t) ?? samples.at(-1);
  if (!m) return "–";
  const rest = m.anon === undefined ? NaN : m.anon - m.heapTotal - m.external;
  return `${fmt(m.heapTotal)} (${fmt(m.heapUsed)}) · ${fmt(m.external)} · ${fmt(rest)} MB`;
}

function gcCurve(gcs: RssSample[]): string {
  if (gcs.length === 0) return "no full GC during the run";
  const shown =
    gcs.length <= 8 ? gcs : gcs.filter((_, i) => i % Math.ceil(gcs.length / 8) === 0 || i === gcs.length - 1);
  return `${gcs.length}: ${shown.map((g) => `${fmt(g.t)}: ${fmt(g.mb)}`).join(", ")}`;
}

function appRevision(): string {
  const given = opt("app-revision", "");
  if (given) return given;
  const git = (args: string[]) => spawnSync("git", args, { cwd: root, encoding: "utf8" }).stdout?.trim() ?? "";
  const head = git(["rev-parse", "--short=12", "HEAD"]) || "unknown";
  const dirty = git(["status", "--porcelain", "--", "app", "lib", "proxy.ts", "instrumentation.ts"]) !== "";
  return dirty ? `${head} plus uncommitted changes in app/ or lib/` : head;
}

function writeResults(reports: DbReport[], machine: ReturnType<typeof machineInfo>): void {
  const begin = "<!-- bench:load:begin -->";
  const end = "<!-- bench:load:end -->";
  const all = reports.flatMap((r) => verdicts(r).map((v) => ({ ...v, db: r.db })));
  const failed = all.filter((v) => !v.pass);
  const section = [
    begin,
    "## Load: signed-in users streaming at once",
    "",
    `\`npm run bench:load\` (\`bench/load/\`) — ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC. Machine: ${machine.cpus} CPUs ` +
      `(${machine.model}), ${machine.memGiB} GiB RAM, Node ${process.version}, Linux. App: ${appRevision()} (production build, ` +
      "`npm start`: scripts/start.mjs). Other sessions build and test on the same 2 CPUs: the load average before and after each database's run " +
      `is in the details${NICE !== 0 ? `; the suite's processes run at nice ${NICE} (process and autogroup) as bench/proxy's do` : ""}.`,
    "",
    `Workload: ${USERS} staff accounts (created by the seeded admin through \`POST /api/admin/users\`, each signed in through ` +
      "`POST /api/auth/sign-in/email`) each send a question to `POST /api/chat` with the body the chat transport sends, read the " +
      `AI SDK UI message stream to its end (eventsource-parser), and send the next, for ${SECONDS} s (starts spread over ` +
      `${RAMP_MS / 1000} s; a new chat every ${TURNS_PER_CHAT} questions, so chats get their title request too). The gateway is the ` +
      `simulator on 127.0.0.1 (\`lib/simulator\`, its unscripted demo reply: reasoning, then a Markdown answer with a table, ` +
      `${TPS} tokens/s). Streams open at the end of the ${SECONDS} s are read to their end (up to ${GRACE_MS / 1000} s). ` +
      (WARM_SECONDS > 0
        ? `The measured run follows ${WARM_SECONDS} s of the same load on the same server (its errors count too; the RSS ` +
          "from cold is in the details): V8 grows its heap to its working size over the first ~50 s of load (README). "
        : "") +
      "Quotas off " +
      "(`QUOTA_TOKENS_PER_DAY=0`, `QUOTA_MAX_CONCURRENT=0`), sign-in limit raised. Each database is fresh: SQLite in a file, " +
      "PostgreSQL in a throwaway cluster (`scripts/pg-test-cluster.sh`).",
    "",
    "Definitions: *TTFT* is request sent → first reasoning or text delta; *added* subtracts the TTFT of the same users " +
      `talking straight to the simulator (same questions and history, ${DIRECT_SECONDS} s, in the same run just before). ` +
      "The database is read afterwards with plain SQL: a question counts when its row has the text sent; a finished reply counts when " +
      "its row is `done`, its text and reasoning equal what was streamed, its metadata has usage and a `usage_records` row exists. " +
      "*Server CPU*: user+system time of the server's process tree (/proc) from the first question to the last stream's end; " +
      "per stream ÷ replies finished, per upstream event ÷ chunks the simulator sent. *RSS*: the tree's resident memory, sampled every second.",
    "",
    failed.length === 0
      ? `All ${all.length} targets met on ${reports.map((r) => r.db).join(" and ")}.`
      : `${all.length - failed.length} of ${all.length} targets met; missed: ${failed.map((v) => `${v.db}: ${v.target.split(" (")[0]} (${v.measured})`).join("; ")}.`,
    "",
    ...reports.flatMap((r) => [
      `### ${r.db === "sqlite" ? "SQLite" : "PostgreSQL"}`,
      "",
      verdictTable(verdicts(r)),
      "",
    ]),
    "### Details",
    "",
    detailTable(reports),
    "",
    ...reports.flatMap((r) =>
      r.verification.problems.length || r.app.failureExamples.length || r.logErrors.length || r.history.problems.length
        ? [
            `${r.db}: ${[...r.app.failureExamples, ...r.verification.problems, ...r.history.problems].join("; ")}${r.logErrors.length ? `; server log: ${r.logErrors.slice(0, 3).join(" / ")}` : ""}`,
            "",
          ]
        : [],
    ),
    end,
  ].join("\n");
  const current = existsSync(RESULTS) ? readFileSync(RESULTS, "utf8") : "# Benchmark results\n";
  const a = current.indexOf(begin);
  // The end marker after this begin (an end marker left above it must not make the section appended again).
  const b = a >= 0 ? current.indexOf(end, a) : -1;
  const next =
    a >= 0 && b > a
      ? current.slice(0, a) + section + current.slice(b + end.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(RESULTS, next);
}

// ---------- main ----------

async function main(): Promise<void> {
  const started = Date.now();
  raisePriority([process.pid]);
  mkdirSync(outDir, { recursive: true });
  const machine = machineInfo();
  console.log(
    `machine: ${machine.cpus} CPUs (${machine.model}), ${machine.memGiB} GiB, Node ${process.version}; load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
  console.log(
    `${USERS} users × ${SECONDS} s on ${DBS.join(" and ")}; simulator ${TPS} tokens/s; a new chat every ${TURNS_PER_CHAT} questions`,
  );
  const buildId = ensureBuild();
  console.log(`build ${buildId}`);

  const sim = forkTs("bench/load/sim.ts", {
    LOAD_API_KEY: API_KEY,
    LOAD_TOKENS_PER_SECOND: String(TPS),
    LOAD_SIM_PORT: String(PORT_BASE + 9),
  });
  const { port: simPort } = await ask<{ port: number }>(sim, {}, "ready", 30_000);
  const simOrigin = `http://127.0.0.1:${simPort}`;
  const generator = forkTs("bench/load/generator.ts", {});
  await ask(generator, {}, "ready", 30_000);

  const reports: DbReport[] = [];
  try {
    for (const [i, kind] of DBS.entries()) reports.push(await measureDatabase(kind, i, sim, simOrigin, generator));
  } finally {
    await stopChild(generator);
    await stopChild(sim);
  }

  console.log(`\n${detailTable(reports)}`);
  const all = reports.flatMap((r) => verdicts(r));
  console.log(
    `\n${all.filter((v) => v.pass).length}/${all.length} targets PASS; took ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  writeFileSync(
    path.join(outDir, `load-${new Date().toISOString().replace(/[:.]/g, "-")}.json`),
    JSON.stringify({ machine, options: { USERS, SECONDS, DBS, TPS, TURNS_PER_CHAT }, reports }, null, 1),
  );
  if (write) {
    writeResults(reports, machine);
    console.log(`wrote ${path.relative(process.cwd(), RESULTS) || RESULTS}`);
  }
  if (all.some((v) => !v.pass)) process.exitCode = 1;
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => process.exit());
