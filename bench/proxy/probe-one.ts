// Diagnostic for the 1-stream figure: one stream at a time, alternating straight to the simulator and through the app
// (npm start's server), N pairs. Per app request: client send → the simulator seeing the upstream request (its
// Date.now), response headers, first token; and the paired difference. With CHAT_TIMING=1 in a build instrumented
// by hand, the server's own marks print too.
//   npx tsx bench/proxy/probe-one.ts [pairs=12] [ENV=value,…]   (PAUSE_MS=… between pairs)
import { spawn } from "node:child_process";
import path from "node:path";
import { rmSync, mkdirSync } from "node:fs";
import type { RecordedRequest } from "@/lib/simulator/script-types";
import { createSimulator } from "@/lib/simulator/server";
import { BENCH_KEY, benchAppEnv, freePort, readyAndSignedIn } from "./app-env";
import { APP_DELTA, appBody, GATEWAY_DELTA, gatewayBody, scriptReplies, timedPost } from "./one-request";

const root = process.cwd();
const KEY = BENCH_KEY;
const N = Number(process.argv[2] ?? 12);
const extraEnv = Object.fromEntries(
  (process.argv[3] ?? "")
    .split(",")
    .filter(Boolean)
    .map((kv) => kv.split("=")),
);
const sim = await createSimulator({ port: 0, host: "127.0.0.1", keys: [KEY], tokensPerSecond: 60, log: false });
const simBase = `http://127.0.0.1:${sim.port}`;
const port = await freePort();
const origin = `http://127.0.0.1:${port}`;
const out = path.join(root, "bench/.out/proxy");
mkdirSync(out, { recursive: true });
const db = path.join(out, "probe.db");
for (const s of ["", "-wal", "-shm"]) rmSync(db + s, { force: true });
const child = spawn(
  process.execPath,
  [
    ...(process.env.PROBE_NODE_ARGS ?? "").split(" ").filter(Boolean),
    "scripts/start.mjs",
    "-p",
    String(port),
    "-H",
    "127.0.0.1",
  ],
  {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
    env: {
      ...process.env,
      ...benchAppEnv({ simBase, origin, dbFile: db }),
      PORT: String(port),
      ...extraEnv,
    },
  },
);
process.on("exit", () => {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {}
});
const cookie = await readyAndSignedIn(origin);
await scriptReplies(simBase, 1000);
// warm-up
for (let i = 0; i < 15; i++)
  await timedPost(port, "/api/chat", { cookie, origin }, appBody(`w${i}${Date.now()}`), APP_DELTA);
const d: number[] = [],
  a: number[] = [],
  up: number[] = [],
  hd: number[] = [];
for (let i = 0; i < N; i++) {
  const r1 = await timedPost(
    sim.port,
    "/v1/chat/completions?bench=direct",
    { authorization: `Bearer ${KEY}` },
    gatewayBody,
    GATEWAY_DELTA,
  );
  d.push(r1.first);
  const before = Date.now();
  const r2 = await timedPost(port, "/api/chat", { cookie, origin }, appBody(`p${i}${Date.now()}`), APP_DELTA);
  a.push(r2.first);
  hd.push(r2.head);
  const reqs = (
    (await (await fetch(`${simBase}/__control/requests`)).json()) as { requests: RecordedRequest[] }
  ).requests.filter(
    (q) => q.path === "/v1/chat/completions" && q.at >= before && (q.body as { stream?: boolean } | null)?.stream,
  );
  up.push(reqs[0] ? reqs[0].at - r2.sent : NaN);
  if (process.env.PAUSE_MS) await new Promise((r) => setTimeout(r, Number(process.env.PAUSE_MS)));
}
const med = (x: number[]) => {
  const s = [...x].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)]!;
};
const f = (x: number[]) => x.map((v) => v.toFixed(1)).join(" ");
console.log(
  `direct ttft: ${f(d)}\napp ttft:    ${f(a)}\napp headers: ${f(hd)}\napp→upstream seen (ms): ${up.join(" ")}`,
);
console.log(
  `median direct ${med(d).toFixed(1)}  app ${med(a).toFixed(1)}  added ${(med(a) - med(d)).toFixed(1)}  paired-diff median ${med(a.map((v, i) => v - d[i]!)).toFixed(1)}  upstream-seen median ${med(up)}`,
);
process.kill(-child.pid!, "SIGTERM");
await sim.close();
process.exit(0);
