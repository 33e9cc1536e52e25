// The load generator, run as its own process (forked by run.ts) so the servers' event loops stay alone.
// It counts SSE events by their "\n\n" boundaries instead of parsing them: cheap enough not to skew
// the numbers at 200 streams on two cores.
import http from "node:http";
import { performance } from "node:perf_hooks";
import { percentile, sortedCopy } from "./stats";

export interface LoadJob {
  type: "run";
  host: string;
  port: number;
  path: string;
  headers: Record<string, string>;
  /** JSON body; every "__ID__" is replaced by a unique id per stream. */
  body: string;
  /** "ui": AI SDK UI message stream (TTFT = first text/reasoning delta, success = finish part + [DONE]); "sse": raw gateway SSE. */
  kind: "ui" | "sse";
  /** Streams open at once. */
  concurrency: number;
  /** Streams each of the `concurrency` workers runs one after another (default 1). */
  repeat?: number;
  /** Worker starts are spread evenly over this many ms. */
  rampMs: number;
  /** Hard limit for the whole job; streams still open then count as unfinished. */
  windowMs: number;
}

export interface LoadResult {
  streams: number;
  completed: number;
  unfinished: number;
  failed: number;
  failures: string[];
  ttftMs: number[];
  /** Streams with no first token by the end: counted in ttftMs with the time they had waited. */
  ttftCensored: number;
  gapP50: number;
  gapP99: number;
  gapMax: number;
  gapCount: number;
  eventsReceived: number;
  wallMs: number;
  clientCpuMs: number;
}

const DONE = Buffer.from("data: [DONE]");
const FINISH = Buffer.from('{"type":"finish"');
const UI_FIRST = [Buffer.from('"type":"text-delta"'), Buffer.from('"type":"reasoning-delta"')];
const SSE_FIRST = [Buffer.from('"reasoning_content":"'), Buffer.from('"content":"')];
const NL = 0x0a;

function countBoundaries(buf: Buffer, prevEndedWithNl: boolean): number {
  let n = 0;
  let prev = prevEndedWithNl;
  for (let i = 0; i < buf.length; i++) {
    const isNl = buf[i] === NL;
    if (isNl && prev) {
      n++;
      prev = false; // "\n\n\n" counts once
    } else prev = isNl;
  }
  return n;
}

function hasAny(buf: Buffer, needles: Buffer[]): boolean {
  for (const n of needles) if (buf.indexOf(n) !== -1) return true;
  return false;
}

// A first delta that carries an empty string ("content":"") is not a token; both needles above need a quote
// right after the colon, so `"content":""` still matches. Check the character after it instead.
function hasFirstToken(buf: Buffer, kind: "ui" | "sse"): boolean {
  if (kind === "ui") return hasAny(buf, UI_FIRST);
  for (const n of SSE_FIRST) {
    let at = buf.indexOf(n);
    while (at !== -1) {
      if (buf[at + n.length] !== 0x22) return true;
      at = buf.indexOf(n, at + 1);
    }
  }
  return false;
}

export function runLoad(job: LoadJob): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const ttft: number[] = [];
  let gaps = new Float64Array(1 << 16);
  let gapCount = 0;
  const pushGap = (g: number) => {
    if (gapCount === gaps.length) {
      const bigger = new Float64Array(gaps.length * 2);
      bigger.set(gaps);
      gaps = bigger;
    }
    gaps[gapCount++] = g;
  };
  let completed = 0;
  let failed = 0;
  let eventsReceived = 0;
  const failures: string[] = [];
  const live = new Map<http.ClientRequest, { started: number; first: () => boolean }>();
  const total = job.concurrency * (job.repeat ?? 1);
  let settled = 0;
  let ttftCensored = 0;

  return new Promise((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      const end = performance.now();
      for (const [req, info] of live) {
        if (!info.first()) {
          ttft.push(end - info.started);
          ttftCensored++;
        }
        req.destroy();
      }
      agent.destroy();
      const sorted = sortedCopy(gaps.subarray(0, gapCount));
      const cpu = process.cpuUsage(cpu0);
      resolve({
        streams: total,
        completed,
        failed,
        unfinished: total - completed - failed,
        failures: failures.slice(0, 5),
        ttftMs: ttft,
        ttftCensored,
        gapP50: percentile(sorted, 50),
        gapP99: percentile(sorted, 99),
        gapMax: gapCount ? sorted[gapCount - 1]! : NaN,
        gapCount,
        eventsReceived,
        wallMs: performance.now() - t0,
        clientCpuMs: (cpu.user + cpu.system) / 1000,
      });
    };
    const deadline = setTimeout(finish, job.windowMs);
    const settle = (next?: () => void) => {
      if (++settled === total) finish();
      else next?.();
    };
    const fail = (why: string, next?: () => void) => {
      failed++;
      if (failures.length < 20) failures.push(why);
      settle(next);
    };

    const start = (i: number, next?: () => void) => {
      if (finished) return;
      const body = Buffer.from(job.body.replaceAll("__ID__", `b${process.pid}-${Date.now().toString(36)}-${i}`));
      const started = performance.now();
      const req = http.request({
        host: job.host,
        port: job.port,
        path: job.path,
        method: "POST",
        agent,
        headers: { ...job.headers, "content-type": "application/json", "content-length": String(body.length) },
      });
      let first = false;
      live.set(req, { started, first: () => first });
      let done = false;
      const end = (ok: boolean, why?: string) => {
        if (done) return;
        done = true;
        live.delete(req);
        if (ok) {
          completed++;
          settle(next);
        } else fail(why ?? "failed", next);
      };
      req.on("error", (err) => {
        if (!finished) end(false, `#${i} ${err.message}`);
      });
      req.on("response", (res) => {
        if (res.statusCode !== 200) {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (text += c));
          res.on("end", () => end(false, `#${i} HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
          return;
        }
        let last = 0;
        let nlTail = false;
        let tail = Buffer.alloc(0);
        let sawFinish = false;
        res.on("data", (chunk: Buffer) => {
          const now = performance.now();
          const events = countBoundaries(chunk, nlTail);
          nlTail = chunk[chunk.length - 1] === NL;
          eventsReceived += events;
          // Look across the read boundary too: a marker may straddle two reads.
          const view = tail.length ? Buffer.concat([tail, chunk]) : chunk;
          if (!first && hasFirstToken(view, job.kind)) {
            first = true;
            ttft.push(now - started);
            last = now;
          } else if (first && events > 0) {
            pushGap(now - last);
            last = now;
          }
          if (job.kind === "ui" && !sawFinish && view.indexOf(FINISH) !== -1) sawFinish = true;
          tail = Buffer.from(view.subarray(Math.max(0, view.length - 32)));
        });
        res.on("end", () => {
          const ended = tail.indexOf(DONE) !== -1;
          if (!ended) end(false, `#${i} ended without [DONE]`);
          else if (job.kind === "ui" && !sawFinish) end(false, `#${i} no finish part`);
          else if (!first) end(false, `#${i} no token`);
          else end(true);
        });
        res.on("error", (err) => {
          if (!finished) end(false, `#${i} ${err.message}`);
        });
      });
      req.end(body);
    };

    const repeat = job.repeat ?? 1;
    for (let w = 0; w < job.concurrency; w++) {
      let k = 0;
      const runNext = () => {
        if (k < repeat) start(w * repeat + k++, runNext);
      };
      const at = job.concurrency > 1 ? (job.rampMs * w) / job.concurrency : 0;
      if (at === 0) runNext();
      else setTimeout(runNext, at);
    }
  });
}

// As a forked child: one job per message, results back over IPC.
if (process.send) {
  process.on("message", (msg: LoadJob) => {
    if (msg?.type !== "run") return;
    void runLoad(msg).then((result) => process.send!({ type: "result", result }));
  });
  process.send({ type: "ready" });
  process.on("disconnect", () => process.exit(0));
}
