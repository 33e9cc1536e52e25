// `npm run bench:proxy`: the streaming-path benchmark. Runs 1, 50 and 200 concurrent streams
// straight to the gateway simulator and through each candidate server, in one run, and reports
// time-to-first-token, inter-event gaps, completion, server CPU per upstream event and peak RSS.
//
//   npm run bench:proxy                       full run (1, 50, 200 streams), writes bench/RESULTS.md
//   npm run bench:proxy -- --quick            1 and 20 streams, nothing written
//   options: --levels 1,50,200  --only direct,raw,app-inproc,app  --chunk-ms 40  --window 30000  --ramp 1000
//            --rounds 3  --rebuild (next build first)  --no-write  --profile app|lib|raw|ai-sdk (node --cpu-prof)
//
// Every level is measured in --rounds rounds; a round measures each candidate in turn (direct, raw, lib, app-inproc, app; the
// AI SDK reference in the first round only), so that a slow spell of the shared machine, or one noisy sample of
// the raw baseline, cannot decide a comparison: the report pools each path's TTFT samples over its rounds and gives
// CPU per event as the median of the rounds with their spread.
//
// Every process runs on this machine and talks to 127.0.0.1 only. Each server is a child process
// measured through /proc; the load generator is another child so it never shares an event loop
// with what it measures.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { setPriority } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BENCH_ADMIN, BENCH_KEY, benchAppEnv, freePort } from "./app-env";
import type { LoadJob, LoadResult } from "./load";
import { hwmKb, machineInfo, processTree, resetPeakRss, rssKb, treeCpuMs } from "./proc";
import { percentile, sortedCopy } from "./stats";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const API_KEY = BENCH_KEY;
const MODEL = "glm-5-1";
const PROMPT = "请起草一则公告：下周起网关升级。";
// The reply is scripted on the simulator with fixed pacing (one chunk every --chunk-ms), so that every
// path sees the same upstream: GLM-style chunks of 1–3 characters, reasoning_content first, then content,
// usage in the finish chunk. The simulator's own token pacing varies per piece (long words wait longer),
// which would put the upstream's own gap p99 above the 60 ms target before any proxy is involved.
const REASONING = "用户想要一则网关升级公告。先说明升级时间和影响范围，再给出注意事项，语气正式但简洁。";
const ANSWER =
  "## 网关升级公告\n\n各位同事：为提升 **ByteSpike** 网关的稳定性，我们将于下周二 22:00 至 23:30 进行升级。" +
  "期间模型接口可能出现短暂中断，请避开这一时段提交长任务。升级完成后，`glm-5-1` 的响应速度预计提升约 20%，" +
  "并新增流式输出的用量统计。\n\n- 如遇异常，请在工作群联系值班同学。\n- 已保存的对话不受影响。\n\n感谢大家的理解与支持！\n";
/** ~180 chunks + the finish chunk: about 7 s at 40 ms a chunk. */
const FULL_REPLY = { reasoning: REASONING.repeat(2), text: ANSWER.repeat(2) };
/** ~50 chunks, for the sequential single-stream runs and warm-up. */
const SHORT_REPLY = { reasoning: REASONING, text: ANSWER.slice(0, 60) };

// ---------- options ----------

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const opt = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
};
const quick = flag("quick");
const levels = opt("levels", quick ? "1,20" : "1,50,200")
  .split(",")
  .map(Number);
const only = new Set(opt("only", "direct,raw,ai-sdk,lib,app-inproc,app").split(","));
const chunkMs = Number(opt("chunk-ms", "40"));
const windowMs = Number(opt("window", "30000"));
const rampMs = Number(opt("ramp", "1000"));
const profile = opt("profile", "");
const ROUNDS = Math.max(1, Number(opt("rounds", quick ? "1" : "3")));
/**
 * The machine may be shared (other sessions' tests and dev servers): by default the benchmark's own
 * processes run at a higher scheduling priority (nice -10, or --nice N) so that they, not the neighbours, decide the
 * numbers. --no-priority measures at the default priority.
 */
const NICE = flag("no-priority") ? 0 : Number(opt("nice", "-10"));
const write = !quick && !flag("no-write") && !argv.includes("--only") && !argv.includes("--levels");
/** At concurrency 1, TTFT needs more than one sample: run this many shorter replies one after another. */
const SINGLE_REPEAT = 6;
const outDir = path.join(root, "bench/.out/proxy");

// ---------- child processes (all in their own process groups; all killed on exit) ----------

const children = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  if (child.pid !== undefined) raisePriority([child.pid]);
  child.on("exit", () => children.delete(child));
  return child;
}

function raisePriority(pids: number[]): void {
  if (NICE === 0) return;
  for (const pid of pids) {
    // Every thread: on Linux a nice value is per thread, and the app's chat worker is a thread of its own.
    let threads: number[];
    try {
      threads = readdirSync(`/proc/${pid}/task`).map(Number);
    } catch {
      threads = [pid];
    }
    for (const tid of threads) {
      try {
        setPriority(tid, NICE);
      } catch {
        // not permitted (not root): measure at the default priority
      }
    }
    try {
      // With autogroup scheduling (the default on most kernels) a process's nice only counts within its session's
      // group; each child here has its own session (detached), so the group's own nice is what gives it its share.
      writeFileSync(`/proc/${pid}/autogroup`, String(NICE));
    } catch {
      // no autogroup, or not permitted
    }
  }
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
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the benchmark's processes`);
    process.exit(130);
  });
}

function forkTs(file: string, env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  return track(
    spawn(process.execPath, [...nodeArgs, "--import", "tsx", file], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      detached: true,
    }),
  );
}

function waitMessage<T>(child: ChildProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no "${type}" from child within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: { type?: string }) => m?.type === type && done(undefined, m as T);
    const onExit = (code: number | null) => done(new Error(`child exited (${code}) before "${type}"`));
    function done(err?: Error, value?: T) {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      if (err) reject(err);
      else resolve(value!);
    }
    child.on("message", onMessage);
    child.on("exit", onExit);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------- simulator control ----------

interface SimRequest {
  path: string;
  status: number;
  completed: boolean;
  closedEarly: boolean;
  chunksSent: number;
}

let simBase = "";

async function simRequests(): Promise<SimRequest[]> {
  const res = await fetch(`${simBase}/__control/requests`);
  return ((await res.json()) as { requests: SimRequest[] }).requests.filter((r) =>
    r.path.startsWith("/v1/chat/completions"),
  );
}

async function simReset(): Promise<void> {
  await fetch(`${simBase}/__control/reset`, { method: "POST" });
}

/** Queues `times` copies of the reply; each upstream request takes one. */
async function simScript(reply: { reasoning: string; text: string }, times: number): Promise<void> {
  const res = await fetch(`${simBase}/__control/script`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ responses: [{ kind: "stream", ...reply, chunkDelayMs: chunkMs, times }] }),
  });
  if (!res.ok) throw new Error(`simulator refused the script: ${res.status} ${await res.text()}`);
}

/** Waits until no upstream stream is still being played (our app finishes generations a client left). */
async function drain(limitMs = 30_000): Promise<number> {
  const until = Date.now() + limitMs;
  for (;;) {
    const open = (await simRequests()).filter((r) => r.status === 200 && !r.completed && !r.closedEarly).length;
    if (open === 0 || Date.now() > until) return open;
    await sleep(250);
  }
}

// ---------- load generator ----------

let loadChild: ChildProcess;

async function runLoad(job: Omit<LoadJob, "type">): Promise<LoadResult> {
  const result = waitMessage<{ result: LoadResult }>(loadChild, "result", job.windowMs + 30_000);
  loadChild.send({ type: "run", ...job });
  return (await result).result;
}

// ---------- candidates ----------

type CandidateId = "direct" | "raw" | "ai-sdk" | "lib" | "app" | "app-inproc";

interface Server {
  port: number;
  child: ChildProcess;
  /** Sent with every request (e.g. the session cookie). */
  headers?: Record<string, string>;
}

interface Candidate {
  id: CandidateId;
  label: string;
  kind: "ui" | "sse";
  path: string;
  headers: Record<string, string>;
  body: string;
  start?(): Promise<Server>;
}

// What our route sends upstream, so that the direct and raw runs carry the same request.
const wireBody = JSON.stringify({
  model: MODEL,
  stream: true,
  user: "u_bench",
  messages: [{ role: "user", content: PROMPT }],
});
// What useChat posts to /api/chat ("__ID__" becomes a fresh chat id per stream).
const appBody = JSON.stringify({
  id: "__ID__",
  model: MODEL,
  messages: [{ id: "__ID__-q", role: "user", parts: [{ type: "text", text: PROMPT }] }],
});

function profileArgs(id: CandidateId): string[] {
  if (profile !== id) return [];
  const dir = path.join(outDir, "profiles");
  mkdirSync(dir, { recursive: true });
  return ["--cpu-prof", `--cpu-prof-dir=${dir}`];
}

async function startTsServer(file: string, id: CandidateId, nodeArgs: string[] = []): Promise<Server> {
  const env = {
    BENCH_UPSTREAM: `${simBase}/v1`,
    BENCH_API_KEY: API_KEY,
    // What lib/env.ts reads (the lib/chat server uses the app's own gateway client).
    BYTESPIKE_API_KEY: API_KEY,
    BYTESPIKE_BASE_URL: `${simBase}/v1`,
    NODE_ENV: "production",
  };
  const child = forkTs(file, env, [...nodeArgs, ...profileArgs(id)]);
  const { port } = await waitMessage<{ port: number }>(child, "ready", 30_000);
  return { port, child };
}

function ensureNextBuild(): void {
  const buildId = path.join(root, ".next/BUILD_ID");
  if (existsSync(buildId) && !flag("rebuild")) {
    const built = statSync(buildId).mtimeMs;
    const stale = newestMtime(["lib/chat", "lib/gateway", "lib/env.ts", "lib/http.ts", "app/(chat)/api"]) > built;
    if (stale)
      console.warn(
        "! .next is older than lib/chat, lib/gateway or the chat route: pass --rebuild to measure the current code",
      );
    return;
  }
  console.log("building the app once (next build)…");
  const build = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (build.status !== 0) throw new Error("next build failed");
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

// The app as staff use it: signed in, with its own SQLite database (fresh per run, in bench/.out),
// persistence and quotas on. Quotas are set to unlimited so that 200 streams of one account are allowed;
// settings an older build does not know are ignored by it.

/** `npm start`; `extraEnv` e.g. CHAT_WORKER=0 for its in-process chat path. */
async function startNext(id: CandidateId, extraEnv: Record<string, string> = {}): Promise<Server> {
  ensureNextBuild();
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  mkdirSync(outDir, { recursive: true });
  const dbFile = path.join(outDir, `proxy-${id}.db`);
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${dbFile}${suffix}`, { force: true });
  const prof = profileArgs(id);
  const child = track(
    spawn(
      process.execPath,
      // What `npm start` runs: Next behind node:http, POST /api/chat on its lean path (scripts/start.mjs).
      [...prof, path.join(root, "scripts/start.mjs"), "-p", String(port), "-H", "127.0.0.1"],
      {
        cwd: root,
        env: {
          ...process.env,
          ...benchAppEnv({ simBase, origin, dbFile }),
          PORT: String(port),
          ...extraEnv,
        },
        stdio: ["ignore", "ignore", "inherit"],
        detached: true,
      },
    ),
  );
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${origin}/api/models`);
      await res.arrayBuffer();
      if (res.status < 500) break; // up (401 when the app wants a session)
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error("next start did not answer within 60 s");
    await sleep(250);
  }
  raisePriority(processTree(child.pid!));
  return { port, child, headers: await signIn(origin, dbFile) };
}

/** Signs the seeded admin in (when the build has accounts) and returns the session cookie as a header. */
async function signIn(origin: string, dbFile: string): Promise<Record<string, string>> {
  const res = await fetch(`${origin}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify(BENCH_ADMIN),
  });
  const text = await res.text();
  if (res.status === 404) {
    console.log("  (this build has no accounts: requests go without a session)");
    return {};
  }
  if (!res.ok) throw new Error(`sign-in failed: HTTP ${res.status} ${text.slice(0, 200)}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  if (!cookie) throw new Error("sign-in gave no session cookie");
  console.log(`  signed in as ${BENCH_ADMIN.email} (fresh database ${path.relative(root, dbFile)})`);
  return { cookie };
}

const candidates: Candidate[] = [
  {
    id: "direct",
    label: "direct to simulator",
    kind: "sse",
    path: "/v1/chat/completions",
    headers: { authorization: `Bearer ${API_KEY}`, accept: "text/event-stream" },
    body: wireBody,
  },
  {
    id: "raw",
    label: "raw pass-through (fetch → bytes)",
    kind: "sse",
    path: "/v1/chat/completions",
    headers: { accept: "text/event-stream" },
    body: wireBody,
    start: () => startTsServer("bench/proxy/servers/raw.ts", "raw"),
  },
  {
    id: "ai-sdk",
    label: "AI SDK default (streamText → toUIMessageStreamResponse) — reference",
    kind: "ui",
    path: "/api/chat",
    headers: {},
    body: appBody,
    start: () => startTsServer("bench/proxy/servers/ai-sdk.ts", "ai-sdk"),
  },
  {
    id: "lib",
    label: "our lib/chat path on bare node:http (no Next)",
    kind: "ui",
    path: "/api/chat",
    headers: {},
    body: appBody,
    start: () => startTsServer("bench/proxy/servers/lib-path.ts", "lib", ["--conditions=react-server"]),
  },
  {
    id: "app",
    label: "our app: npm start (scripts/start.mjs), POST /api/chat (in its chat worker thread)",
    kind: "ui",
    path: "/api/chat",
    headers: {},
    body: appBody,
    start: () => startNext("app"),
  },
  {
    id: "app-inproc",
    label: "our app with CHAT_WORKER=0: POST /api/chat in the server's own thread (the fallback)",
    kind: "ui",
    path: "/api/chat",
    headers: {},
    body: appBody,
    start: () => startNext("app-inproc", { CHAT_WORKER: "0" }),
  },
];

// ---------- measurement ----------

interface Row {
  candidate: CandidateId;
  concurrency: number;
  /** 1-based; 0 for a row that pools all rounds. */
  round: number;
  /** Every stream's TTFT (ms), so that rounds can be pooled. */
  ttftSamples: number[];
  /** Per-round CPU per event (pooled rows: every round's, for the spread). */
  cpuRounds: number[];
  streams: number;
  completed: number;
  failed: number;
  unfinished: number;
  failures: string[];
  ttftP50: number;
  ttftP99: number;
  ttftCensored: number;
  gapP50: number;
  gapP99: number;
  gapMax: number;
  eventsReceived: number;
  upstreamEvents: number;
  upstreamStreams: number;
  serverCpuMs: number | null;
  cpuUsPerEvent: number | null;
  peakRssMb: number | null;
  simCpuMs: number;
  clientCpuMs: number;
  otherCpuPct: number;
  wallMs: number;
  leftRunning: number;
}

function cpuTicks(): { busy: number; total: number } {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: ((total - idle) * 1000) / 100, total: (total * 1000) / 100 };
}

function cpuByPid(pids: number[]): Map<number, number> {
  return new Map(pids.map((p) => [p, treeCpuMs([p])]));
}

function cpuSince(start: Map<number, number>, pidsNow: number[]): number {
  let sum = 0;
  for (const pid of pidsNow) sum += treeCpuMs([pid]) - (start.get(pid) ?? 0);
  return sum;
}

function levelJob(c: Candidate, server: Server | undefined, concurrency: number): Omit<LoadJob, "type"> {
  const single = concurrency === 1;
  return {
    host: "127.0.0.1",
    port: server?.port ?? Number(new URL(simBase).port),
    path: c.path,
    headers: { ...c.headers, ...server?.headers },
    body: c.body,
    kind: c.kind,
    concurrency,
    repeat: single ? SINGLE_REPEAT : 1,
    rampMs: single ? 0 : rampMs,
    windowMs,
  };
}

/**
 * The machine is shared (tests, dev servers): before a level, wait a little for other load to settle so that
 * it does not decide the numbers. Bounded; what remains is reported per level as "other load".
 */
async function waitQuiet(ourPids: number[], limitMs = 6_000): Promise<number> {
  const until = Date.now() + limitMs;
  for (;;) {
    const m0 = cpuTicks();
    const o0 = treeCpuMs(ourPids);
    await sleep(1000);
    const other = Math.max(0, cpuTicks().busy - m0.busy - (treeCpuMs(ourPids) - o0)) / 10; // % of one CPU
    if (other < 30 || Date.now() > until) return other;
  }
}

/** Waits (up to `limitMs`) until the server's processes use under 3% of a CPU. */
async function waitIdle(pids: number[], limitMs = 20_000): Promise<void> {
  const until = Date.now() + limitMs;
  for (;;) {
    const c0 = treeCpuMs(pids);
    await sleep(300);
    if (treeCpuMs(pids) - c0 < 9 || Date.now() > until) return;
  }
}

async function measureLevel(
  c: Candidate,
  server: Server | undefined,
  concurrency: number,
  simPid: number,
): Promise<Row> {
  const ourPids = [simPid, loadChild.pid!, process.pid, ...(server ? processTree(server.child.pid!) : [])];
  const before = await waitQuiet(ourPids);
  if (before >= 30) console.log(`  (other processes use ${before.toFixed(0)}% of a CPU; measuring anyway)`);
  await simReset();
  await simScript(concurrency === 1 ? SHORT_REPLY : FULL_REPLY, concurrency === 1 ? SINGLE_REPEAT : concurrency);
  const serverPids = server ? processTree(server.child.pid!) : [];
  if (server) resetPeakRss(serverPids);
  const serverCpu0 = cpuByPid(serverPids);
  const simCpu0 = treeCpuMs([simPid]);
  const loadCpu0 = treeCpuMs([loadChild.pid!]);
  const self0 = process.cpuUsage();
  const machine0 = cpuTicks();
  let peakKb = 0;
  const sampler = setInterval(() => (peakKb = Math.max(peakKb, rssKb(serverPids))), 250);

  const r = await runLoad(levelJob(c, server, concurrency));
  // What a reply causes after its last byte (the app's final save, usage record and chat title) counts too.
  if (server) await waitIdle(processTree(server.child.pid!));

  clearInterval(sampler);
  const pidsNow = server ? processTree(server.child.pid!) : [];
  const serverCpuMs = server ? cpuSince(serverCpu0, pidsNow) : null;
  const simCpuMs = treeCpuMs([simPid]) - simCpu0;
  const loadCpuMs = treeCpuMs([loadChild.pid!]) - loadCpu0;
  const self = process.cpuUsage(self0);
  const machine1 = cpuTicks();
  if (server) peakKb = Math.max(peakKb, hwmKb(pidsNow), rssKb(pidsNow));
  const upstream = await simRequests();
  const upstreamEvents = upstream.reduce((a, q) => a + q.chunksSent, 0);
  const ours = (serverCpuMs ?? 0) + simCpuMs + loadCpuMs + (self.user + self.system) / 1000;
  const otherCpuMs = Math.max(0, machine1.busy - machine0.busy - ours);
  const leftRunning = await drain();
  const ttft = sortedCopy(r.ttftMs);
  return {
    candidate: c.id,
    concurrency,
    round: 0,
    ttftSamples: r.ttftMs,
    cpuRounds: [],
    streams: r.streams,
    completed: r.completed,
    failed: r.failed,
    unfinished: r.unfinished,
    failures: r.failures,
    ttftP50: percentile(ttft, 50),
    ttftP99: percentile(ttft, 99),
    ttftCensored: r.ttftCensored,
    gapP50: r.gapP50,
    gapP99: r.gapP99,
    gapMax: r.gapMax,
    eventsReceived: r.eventsReceived,
    upstreamEvents,
    upstreamStreams: upstream.length,
    serverCpuMs,
    cpuUsPerEvent: serverCpuMs !== null && upstreamEvents > 0 ? (serverCpuMs * 1000) / upstreamEvents : null,
    peakRssMb: server ? peakKb / 1024 : null,
    simCpuMs,
    clientCpuMs: loadCpuMs,
    otherCpuPct: (otherCpuMs / r.wallMs) * 100,
    wallMs: r.wallMs,
    leftRunning,
  };
}

async function warmUp(c: Candidate, server: Server | undefined): Promise<void> {
  for (let round = 0; round < 2; round++) {
    await simReset();
    await simScript({ reasoning: "先想一想。", text: "好的，这是回复。" }, 30);
    await runLoad({ ...levelJob(c, server, 10), repeat: 3, rampMs: 0, windowMs: 20_000 });
  }
  await drain();
}

// ---------- pooling rounds ----------

/** Every level of every round, as measured (the report's rows pool them). */
let perRoundRows: Row[] = [];

const median = (xs: number[]) => {
  const s = sortedCopy(xs);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};

/**
 * One row per path and level from its rounds: TTFT percentiles over every stream of every round; completion and
 * events summed; gap p99 and CPU per event as the median of the rounds (the spread is kept in cpuRounds).
 */
function pool(perRound: Row[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const r of perRound) {
    const key = `${r.candidate}@${r.concurrency}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((rs) => {
    const ttft = Array.from(sortedCopy(rs.flatMap((r) => r.ttftSamples)));
    const sum = (f: (r: Row) => number) => rs.reduce((a, r) => a + f(r), 0);
    const cpu = rs.map((r) => r.cpuUsPerEvent).filter((v): v is number => v !== null);
    const serverCpu = rs.map((r) => r.serverCpuMs).filter((v): v is number => v !== null);
    const rss = rs.map((r) => r.peakRssMb).filter((v): v is number => v !== null);
    const first = rs[0]!;
    return {
      ...first,
      round: 0,
      ttftSamples: ttft,
      cpuRounds: cpu,
      streams: sum((r) => r.streams),
      completed: sum((r) => r.completed),
      failed: sum((r) => r.failed),
      unfinished: sum((r) => r.unfinished),
      failures: rs.flatMap((r) => r.failures).slice(0, 5),
      ttftP50: percentile(ttft, 50),
      ttftP99: percentile(ttft, 99),
      ttftCensored: sum((r) => r.ttftCensored),
      gapP50: median(rs.map((r) => r.gapP50)),
      gapP99: median(rs.map((r) => r.gapP99)),
      gapMax: Math.max(...rs.map((r) => r.gapMax)),
      eventsReceived: sum((r) => r.eventsReceived),
      upstreamEvents: sum((r) => r.upstreamEvents),
      upstreamStreams: sum((r) => r.upstreamStreams),
      serverCpuMs: serverCpu.length ? median(serverCpu) : null,
      cpuUsPerEvent: cpu.length ? median(cpu) : null,
      peakRssMb: rss.length ? Math.max(...rss) : null,
      simCpuMs: median(rs.map((r) => r.simCpuMs)),
      clientCpuMs: median(rs.map((r) => r.clientCpuMs)),
      otherCpuPct: median(rs.map((r) => r.otherCpuPct)),
      wallMs: median(rs.map((r) => r.wallMs)),
      leftRunning: sum((r) => r.leftRunning),
    };
  });
}

/** "median (min–max)" of a pooled row's CPU per event, or the one value. */
function cpuCell(r: Row): string {
  if (r.cpuUsPerEvent === null) return "–";
  const [lo, hi] = [Math.min(...r.cpuRounds), Math.max(...r.cpuRounds)];
  return r.cpuRounds.length > 1
    ? `${fmt(r.cpuUsPerEvent, 1)} µs (${fmt(lo, 1)}–${fmt(hi, 1)})`
    : `${fmt(r.cpuUsPerEvent, 1)} µs`;
}

/** The app/raw ratio of each round (same round, back to back), for the spread. */
function roundRatios(perRound: Row[], id: CandidateId, n: number): number[] {
  const at = (cid: CandidateId, round: number) =>
    perRound.find((r) => r.candidate === cid && r.concurrency === n && r.round === round)?.cpuUsPerEvent;
  const out: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const a = at(id, round);
    const b = at("raw", round);
    if (a && b) out.push(a / b);
  }
  return out;
}

// ---------- report ----------

const fmt = (v: number | null | undefined, digits = 0) =>
  v === null || v === undefined || Number.isNaN(v) ? "–" : v.toFixed(digits).replace(/^-(0(\.0+)?)$/, "$1");

const LABELS: Record<CandidateId, string> = {
  direct: "direct (no server)",
  raw: "raw pass-through",
  "ai-sdk": "AI SDK default (reference)",
  lib: "lib/chat on node:http",
  app: "**our app (Next)**",
  "app-inproc": "our app, CHAT_WORKER=0",
};

function table(rows: Row[]): string {
  const direct = new Map(rows.filter((r) => r.candidate === "direct").map((r) => [r.concurrency, r]));
  const raw = new Map(rows.filter((r) => r.candidate === "raw").map((r) => [r.concurrency, r]));
  const lines = [
    "| path | streams | completed | TTFT p50 / p99 (ms) | added TTFT p50 / p99 (ms) | gap p99 (ms) | events up → down | server CPU per upstream event | × raw | peak RSS (MB) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  const order: CandidateId[] = ["direct", "raw", "ai-sdk", "lib", "app-inproc", "app"];
  const sorted = [...rows].sort(
    (a, b) => a.concurrency - b.concurrency || order.indexOf(a.candidate) - order.indexOf(b.candidate),
  );
  for (const r of sorted) {
    const d = direct.get(r.concurrency);
    const rw = raw.get(r.concurrency);
    const added = (a: number, b: number | undefined) =>
      r.candidate === "direct" || b === undefined ? "–" : fmt(a - b);
    const censored = r.ttftCensored ? ` (${r.ttftCensored} never started)` : "";
    // At one stream a level has a few hundred events and per-request work dominates: no ratio there.
    const ratio =
      r.concurrency > 1 && r.cpuUsPerEvent !== null && rw?.cpuUsPerEvent
        ? `${(r.cpuUsPerEvent / rw.cpuUsPerEvent).toFixed(2)}×`
        : "–";
    const rounds = r.streams / (r.concurrency === 1 ? SINGLE_REPEAT : r.concurrency);
    const ofRounds = rounds > 1 ? `, ${rounds} rounds` : "";
    const streams =
      r.concurrency === 1
        ? `1 (${r.streams} in turn${ofRounds})`
        : `${r.concurrency}${rounds > 1 ? ` (×${rounds} rounds)` : ""}`;
    lines.push(
      `| ${LABELS[r.candidate]} | ${streams} | ${r.completed}/${r.streams} | ${fmt(r.ttftP50)} / ${fmt(r.ttftP99)}${censored} | ${added(r.ttftP50, d?.ttftP50)} / ${added(r.ttftP99, d?.ttftP99)} | ${fmt(r.gapP99)} | ${r.upstreamEvents} → ${r.eventsReceived} | ${cpuCell(r)} | ${ratio} | ${fmt(r.peakRssMb)} |`,
    );
  }
  return lines.join("\n");
}

interface Verdict {
  target: string;
  measured: string;
  pass: boolean;
}

function verdicts(rows: Row[], id: CandidateId): Verdict[] {
  const at = (cid: CandidateId, n: number) => rows.find((r) => r.candidate === cid && r.concurrency === n);
  const top = Math.max(...levels);
  const out: Verdict[] = [];
  const app = at(id, top);
  const d = at("direct", top);
  const raw = at("raw", top);
  if (app && d) {
    out.push({
      target: `${top} streams: every stream completes`,
      measured: `${app.completed}/${app.streams}`,
      pass: app.completed === app.streams,
    });
    const a50 = app.ttftP50 - d.ttftP50;
    const a99 = app.ttftP99 - d.ttftP99;
    out.push({ target: `${top} streams: added TTFT p50 ≤ 50 ms`, measured: `${fmt(a50)} ms`, pass: a50 <= 50 });
    out.push({ target: `${top} streams: added TTFT p99 ≤ 150 ms`, measured: `${fmt(a99)} ms`, pass: a99 <= 150 });
    out.push({
      target: `${top} streams: inter-event gap p99 ≤ 60 ms`,
      measured: `${fmt(app.gapP99)} ms`,
      pass: app.gapP99 <= 60,
    });
  }
  if (app?.cpuUsPerEvent && raw?.cpuUsPerEvent) {
    const ratio = app.cpuUsPerEvent / raw.cpuUsPerEvent;
    const each = roundRatios(perRoundRows, id, top);
    out.push({
      target: `${top} streams: CPU per upstream event ≤ 2× raw pass-through`,
      measured:
        `${fmt(app.cpuUsPerEvent, 1)} µs vs ${fmt(raw.cpuUsPerEvent, 1)} µs = ${ratio.toFixed(2)}× (medians of ${app.cpuRounds.length} rounds` +
        (each.length > 1 ? `; each round's own ratio ${each.map((x) => `${x.toFixed(2)}×`).join(", ")})` : ")"),
      pass: ratio <= 2,
    });
  }
  const one = at(id, 1);
  const d1 = at("direct", 1);
  if (one && d1) {
    const a = one.ttftP50 - d1.ttftP50;
    out.push({ target: "1 stream: added TTFT p50 ≤ 5 ms", measured: `${fmt(a, 1)} ms`, pass: a <= 5 });
  }
  return out;
}

function verdictTable(v: Verdict[]): string {
  return [
    "| target | measured | |",
    "| --- | --- | --- |",
    ...v.map((x) => `| ${x.target} | ${x.measured} | ${x.pass ? "pass" : "**FAIL**"} |`),
  ].join("\n");
}

function detailTable(rows: Row[]): string {
  const lines = [
    "| path | streams | round | server CPU (ms) | simulator CPU (ms) | load client CPU (ms) | other load on the machine | gap p50 / max (ms) | wall (s) | upstream still open at the end |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.candidate} | ${r.concurrency} | ${r.round} | ${fmt(r.serverCpuMs)} | ${fmt(r.simCpuMs)} | ${fmt(r.clientCpuMs)} | ${fmt(r.otherCpuPct)}% | ${fmt(r.gapP50)} / ${fmt(r.gapMax)} | ${fmt(r.wallMs / 1000, 1)} | ${r.leftRunning} |`,
    );
  }
  return lines.join("\n");
}

// ---------- main ----------

async function main(): Promise<void> {
  const started = Date.now();
  raisePriority([process.pid]);
  const machine = machineInfo();
  console.log(`machine: ${machine.cpus} CPUs (${machine.model}), ${machine.memGiB} GiB, Node ${process.version}`);
  console.log(
    `levels ${levels.join(", ")} · one upstream chunk every ${chunkMs} ms · ramp ${rampMs} ms · window ${windowMs} ms`,
  );

  const sim = forkTs("bench/proxy/sim.ts", { BENCH_API_KEY: API_KEY });
  const { port: simPort } = await waitMessage<{ port: number }>(sim, "ready", 30_000);
  simBase = `http://127.0.0.1:${simPort}`;
  loadChild = forkTs("bench/proxy/load.ts", {});
  await waitMessage(loadChild, "ready", 30_000);

  const rows: Row[] = [];
  const servers = new Map<CandidateId, Server | undefined>();
  const active = candidates.filter((c) => only.has(c.id));
  try {
    for (const c of active) {
      console.log(`\n— starting ${c.label}`);
      const server = c.start ? await c.start() : undefined;
      servers.set(c.id, server);
      await warmUp(c, server);
    }
    for (const n of levels) {
      for (let round = 1; round <= ROUNDS; round++) {
        for (const c of active) {
          // The reference collapses at 200 streams (tens of seconds a level): one round is enough to show it.
          if (c.id === "ai-sdk" && round > 1) continue;
          const row = { ...(await measureLevel(c, servers.get(c.id), n, sim.pid!)), round };
          rows.push(row);
          console.log(
            `  ${String(n).padStart(3)} streams, round ${round}, ${c.id}: ${row.completed}/${row.streams} completed, TTFT p50 ${fmt(row.ttftP50)} ms p99 ${fmt(row.ttftP99)} ms, gap p99 ${fmt(row.gapP99)} ms, ` +
              `${row.upstreamEvents} upstream events, CPU ${row.cpuUsPerEvent === null ? "–" : `${fmt(row.cpuUsPerEvent, 1)} µs/event`}, peak RSS ${fmt(row.peakRssMb)} MB, other load ${fmt(row.otherCpuPct)}%` +
              (row.failures.length ? `\n    failures: ${row.failures.join(" | ")}` : ""),
          );
        }
      }
    }
  } finally {
    for (const server of servers.values()) if (server) await stopChild(server.child);
  }
  const perRound = rows;
  perRoundRows = perRound;
  const pooledRows = pool(perRound);
  await stopChild(loadChild);
  await stopChild(sim);

  const main = table(pooledRows);
  const appVerdicts = only.has("app") ? verdicts(pooledRows, "app") : [];
  const inprocVerdicts = only.has("app-inproc") ? verdicts(pooledRows, "app-inproc") : [];
  const libVerdicts = only.has("lib") ? verdicts(pooledRows, "lib") : [];
  const refVerdicts = only.has("ai-sdk") ? verdicts(pooledRows, "ai-sdk") : [];
  console.log(`\n${main}\n`);
  if (appVerdicts.length) console.log(`our app:\n${verdictTable(appVerdicts)}\n`);
  if (inprocVerdicts.length) console.log(`our app, CHAT_WORKER=0:\n${verdictTable(inprocVerdicts)}\n`);
  if (libVerdicts.length) console.log(`lib/chat without Next:\n${verdictTable(libVerdicts)}\n`);
  if (refVerdicts.length) console.log(`AI SDK default:\n${verdictTable(refVerdicts)}\n`);
  console.log(detailTable(perRound));
  console.log(`\ntook ${((Date.now() - started) / 1000).toFixed(0)} s`);

  mkdirSync(outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  writeFileSync(
    path.join(outDir, `proxy-${stamp}.json`),
    JSON.stringify({ machine, levels, chunkMs, rampMs, windowMs, rounds: ROUNDS, rows: perRound }, null, 2),
  );

  if (write) {
    writeResults({
      machine,
      main,
      appVerdicts,
      libVerdicts,
      refVerdicts,
      detail: detailTable(perRound),
      rows: pooledRows,
    });
    console.log("wrote bench/RESULTS.md");
  }
}

/** The app's revision: HEAD, and whether app/ or lib/ had uncommitted changes when the benchmark ran. */
function appRevision(): string {
  // A copy of the tree outside git (helpers build and measure there) names the revision it was copied from.
  if (process.env.BENCH_APP_REVISION) return process.env.BENCH_APP_REVISION;
  const git = (args: string[]) => spawnSync("git", args, { cwd: root, encoding: "utf8" }).stdout?.trim() ?? "";
  const head = git(["rev-parse", "--short=12", "HEAD"]) || "unknown";
  const dirty = git(["status", "--porcelain", "--", "app", "lib", "instrumentation.ts", "next.config.mjs"]) !== "";
  return dirty ? `${head} plus uncommitted changes in app/ or lib/` : head;
}

/** What the app adds on top of the same lib/chat code on bare node:http, per stream, at the top level. */
function overheadNote(rows: Row[]): string {
  const top = Math.max(...levels);
  const app = rows.find((r) => r.candidate === "app" && r.concurrency === top);
  const inproc = rows.find((r) => r.candidate === "app-inproc" && r.concurrency === top);
  const lib = rows.find((r) => r.candidate === "lib" && r.concurrency === top);
  const raw = rows.find((r) => r.candidate === "raw" && r.concurrency === top);
  if (!app?.serverCpuMs || !lib?.serverCpuMs || !raw?.serverCpuMs) return "";
  const perStream = (ms: number) => (ms / top).toFixed(1);
  const busy = (r: Row) => `${fmt((r.serverCpuMs! / r.wallMs) * 100)}%`;
  return (
    `At ${top} streams the servers used ${fmt(raw.serverCpuMs / 1000, 1)} s (raw pass-through), ${fmt(lib.serverCpuMs / 1000, 1)} s ` +
    `(lib/chat on node:http: no session, database or title) and ${fmt(app.serverCpuMs / 1000, 1)} s (the app) of CPU: lib/chat's parsing and UI-stream ` +
    `framing cost ${perStream(lib.serverCpuMs - raw.serverCpuMs)} ms per stream over a raw pass-through, and everything the app ` +
    `does around the same code (session, validation, quota, the turn read from and written to the database, the reply ` +
    `saved every second and finalized, usage, the chat title — a second gateway request —, and handing requests and frames ` +
    `between the server's thread and its chat worker) ${perStream(app.serverCpuMs - lib.serverCpuMs)} ms per stream more. ` +
    `The app's process (HTTP and sockets in the server's thread, the replies in the chat worker thread) used ${busy(app)} of one core ` +
    `over the level's ${fmt(app.wallMs / 1000, 1)} s (lib/chat on node:http, one thread: ${busy(lib)})` +
    (inproc?.serverCpuMs
      ? `; with CHAT_WORKER=0, the replies in the server's own thread beside Next (whose AsyncLocalStorage hooks every promise there), ` +
        `${fmt(inproc.serverCpuMs / 1000, 1)} s, ${busy(inproc)} of its one core, and new streams queue behind the running ones.`
      : ".")
  );
}

function writeResults(r: {
  machine: ReturnType<typeof machineInfo>;
  main: string;
  appVerdicts: Verdict[];
  libVerdicts: Verdict[];
  refVerdicts: Verdict[];
  detail: string;
  rows: Row[];
}): void {
  const file = path.join(root, "bench/RESULTS.md");
  const begin = "<!-- bench:proxy:begin -->";
  const end = "<!-- bench:proxy:end -->";
  const passed = r.appVerdicts.filter((v) => v.pass).length;
  const summary = r.appVerdicts.length
    ? r.appVerdicts.every((v) => v.pass)
      ? `Our app meets all ${r.appVerdicts.length} targets.`
      : `Our app meets ${passed} of ${r.appVerdicts.length} targets; it misses: ${r.appVerdicts
          .filter((v) => !v.pass)
          .map((v) => `${v.target} (${v.measured})`)
          .join("; ")}.`
    : "";
  const section = [
    begin,
    "## Proxy streaming benchmark",
    "",
    `\`npm run bench:proxy\` — ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC. Machine: ${r.machine.cpus} CPUs (${r.machine.model}), ` +
      `${r.machine.memGiB} GiB RAM, Node ${process.version}, Linux. App: ${appRevision()} (production build served as \`npm start\` does: scripts/start.mjs, Next with the chat routes in its chat worker thread, ` +
      `signed in, SQLite persistence on). The simulator, each server and the load client run as separate processes on this ` +
      `machine, over 127.0.0.1` +
      (NICE !== 0
        ? `, at nice ${NICE} (process and autogroup) so that other work on this shared machine does not decide the numbers; ` +
          `the load that other processes still put on the machine is in the details.`
        : "."),
    "",
    `Workload: a scripted GLM-style reply on the simulator (reasoning_content then content in chunks of 1–3 characters, usage in the ` +
      `last chunk, ~180 chunks) at one chunk every ${chunkMs} ms, so a stream lasts about ${((181 * chunkMs) / 1000).toFixed(0)} s. ` +
      `At 1 stream, ${SINGLE_REPEAT} shorter replies (~50 chunks) run one after another ` +
      `(so that p50 has samples); at 50 and 200, the streams open over ${rampMs / 1000} s and all run at once. ` +
      `Each level has a ${windowMs / 1000} s window; a stream not finished by then counts as not completed.`,
    "",
    `Rounds: every level ran ${ROUNDS} time${ROUNDS > 1 ? "s" : ""}; each round measured the paths one after another (direct, raw, lib, app with CHAT_WORKER=0, app; ` +
      `the AI SDK reference in the first round only), all servers started and warmed up beforehand, so each path's rounds ` +
      `are spread over the same minutes as the others'. The table pools them: TTFT percentiles are over every stream of every ` +
      `round (added = pooled p50/p99 minus the direct path's pooled p50/p99), completion and events are summed, gap p99 is the ` +
      `median of the rounds, and CPU per upstream event is the median of the rounds with their min–max. The ×raw ratio ` +
      `divides the medians; the target row also gives each round's own ratio (app and raw measured back to back), so one noisy ` +
      `baseline sample cannot decide it (in single runs the raw baseline swung between 65 and 105 µs on the same code).`,
    "",
    "Definitions: *TTFT* is request → first reasoning/text delta at the client; *added* subtracts the direct run's TTFT at the same " +
      "concurrency. *Gap* is the time between successive reads that carry events, pooled over all streams. *Events up → down*: chunks " +
      "the simulator sent → SSE events the client received (our path coalesces deltas into ≤25 ms frames). *Server CPU per upstream " +
      "event*: user+system CPU of the server's process tree from the level's start until it is idle again after the last stream (/proc; so the app's work after a reply — final save, usage, the chat title — counts) ÷ upstream chunks. Peak RSS: the tree's VmHWM, reset per level.",
    "",
    r.main,
    "",
    overheadNote(r.rows),
    "",
    ...(r.appVerdicts.length
      ? ["### Targets — our app (`npm start`, `POST /api/chat`)", "", summary, "", verdictTable(r.appVerdicts), ""]
      : []),
    ...(r.libVerdicts.length
      ? [
          "For comparison, the same lib/chat path on bare node:http (what Next itself adds is the difference):",
          "",
          verdictTable(r.libVerdicts),
          "",
        ]
      : []),
    ...(r.refVerdicts.length
      ? ["And the AI SDK default path, against the same targets:", "", verdictTable(r.refVerdicts), ""]
      : []),
    "<details><summary>Details per level</summary>",
    "",
    r.detail,
    "",
    "</details>",
    end,
  ].join("\n");
  const current = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmark results\n";
  const a = current.indexOf(begin);
  const b = current.indexOf(end);
  const next =
    a >= 0 && b > a
      ? current.slice(0, a) + section + current.slice(b + end.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => process.exit());
