// A/B diagnostic for the 1-stream figure: two builds of the app (npm start's server, each in its own directory with
// its own .next) run side by side against one simulator, and one stream at a time goes straight to the simulator,
// through A and through B, in a rotating order, N times. On a shared machine the single-stream TTFT drifts by
// several ms from minute to minute (idle wake-ups, neighbours); interleaving the three paths request by request
// puts A and B in the same minutes, so their difference is measured rather than the machine's drift.
//   npx tsx bench/proxy/ab-one.ts <dirA> <dirB> [iterations=40] [pause ms between requests=0]
// Prints per path the TTFT median, its added time over direct (median of per-iteration differences) and the
// median of B − A per iteration.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { createSimulator } from "@/lib/simulator/server";
import { BENCH_KEY, benchAppEnv, freePort, readyAndSignedIn } from "./app-env";
import { APP_DELTA, appBody, GATEWAY_DELTA, gatewayBody, scriptReplies, timedPost } from "./one-request";

const [dirA, dirB] = [process.argv[2], process.argv[3]];
if (!dirA || !dirB) throw new Error("usage: ab-one.ts <dirA> <dirB> [iterations]");
const N = Number(process.argv[4] ?? 40);
/** Lets the previous reply's own work after its end (final save, usage, title) finish before the next request. */
const PAUSE_MS = Number(process.argv[5] ?? 0);
const KEY = BENCH_KEY;

const sim = await createSimulator({ port: 0, host: "127.0.0.1", keys: [KEY], tokensPerSecond: 60, log: false });
const simBase = `http://127.0.0.1:${sim.port}`;

const children: ChildProcess[] = [];
process.on("exit", () => {
  for (const child of children) {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {}
  }
});

/** Starts `npm start`'s server from `dir` on a fresh SQLite file and signs in; its port and session cookie. */
async function startApp(dir: string, label: string): Promise<{ port: number; cookie: string }> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const out = path.join(dir, "bench/.out/proxy");
  mkdirSync(out, { recursive: true });
  const db = path.join(out, `ab-${label}.db`);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(db + suffix, { force: true });
  const child = spawn(process.execPath, ["scripts/start.mjs", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
    env: {
      ...process.env,
      ...benchAppEnv({ simBase, origin, dbFile: db }),
      PORT: String(port),
    },
  });
  children.push(child);
  return { port, cookie: await readyAndSignedIn(origin) };
}

let chatCounter = 0;
const nextChatId = () => `ab-${Date.now().toString(36)}-${++chatCounter}`;

const [a, b] = [await startApp(dirA, "a"), await startApp(dirB, "b")];
await scriptReplies(simBase, 100_000);
const direct = async () =>
  (await timedPost(sim.port, "/v1/chat/completions", { authorization: `Bearer ${KEY}` }, gatewayBody, GATEWAY_DELTA))
    .first;
const app = async (server: { port: number; cookie: string }) =>
  (
    await timedPost(
      server.port,
      "/api/chat",
      { cookie: server.cookie, origin: `http://127.0.0.1:${server.port}` },
      appBody(nextChatId()),
      APP_DELTA,
    )
  ).first;
for (let i = 0; i < 20; i++) await Promise.all([app(a), app(b)]); // warm-up
const paths = { direct, a: () => app(a), b: () => app(b) } as const;
type PathId = keyof typeof paths;
const samples: Record<PathId, number[]> = { direct: [], a: [], b: [] };
const orders: PathId[][] = [
  ["direct", "a", "b"],
  ["b", "direct", "a"],
  ["a", "b", "direct"],
  ["direct", "b", "a"],
  ["a", "direct", "b"],
  ["b", "a", "direct"],
];
for (let i = 0; i < N; i++) {
  for (const id of orders[i % orders.length]!) {
    samples[id].push(await paths[id]());
    if (PAUSE_MS > 0) await new Promise((r) => setTimeout(r, PAUSE_MS));
  }
}
const median = (xs: number[]) => {
  const s = [...xs].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const diff = (x: number[], y: number[]) => x.map((v, i) => v - y[i]!);
console.log(`A = ${dirA}\nB = ${dirB}\n${N} iterations, ${PAUSE_MS} ms between requests`);
console.log(`direct TTFT median ${median(samples.direct).toFixed(1)} ms`);
for (const id of ["a", "b"] as const) {
  console.log(
    `${id.toUpperCase()}: TTFT median ${median(samples[id]).toFixed(1)} ms, added over direct: ` +
      `${(median(samples[id]) - median(samples.direct)).toFixed(1)} ms (difference of medians), ` +
      `${median(diff(samples[id], samples.direct)).toFixed(1)} ms (median of per-iteration differences)`,
  );
}
console.log(`B − A per iteration, median: ${median(diff(samples.b, samples.a)).toFixed(1)} ms`);
for (const child of children) process.kill(-child.pid!, "SIGTERM");
await sim.close();
process.exit(0);
