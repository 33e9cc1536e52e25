// Preloaded into the load suite's server (`node --import ./bench/load/memstats.mjs scripts/start.mjs`) when
// GLM_MEMSTATS=1: one line a second on stderr with what makes up the process's memory, so that RSS growth can be
// told apart — the V8 heap (committed vs in use), memory outside it (Buffers), and what the process maps besides
// (native allocations: malloc arenas, SQLite's page cache, code). Without the variable it does nothing.
//
//   [memstats] {"t":12.0,"rss":245.1,"heapTotal":120.3,"heapUsed":80.2,"external":9.1,"arrayBuffers":6.2,
//               "anon":210.4,"file":30.2,"newSpace":32.0,"oldSpace":70.1,"codeSpace":3.1,"largeObject":8.0,
//               "loopP50":12.1,"loopP99":48.0,"loopMax":60.2}   (MB; event-loop delay in ms over the last second)
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import v8 from "node:v8";

if (process.env.GLM_MEMSTATS === "1") {
  const MB = 1024 * 1024;
  const started = Date.now();
  const round = (bytes) => Math.round((bytes / MB) * 10) / 10;
  const lateMs = (ns) => Math.max(0, Math.round(ns / 1e5 - RESOLUTION_MS * 10) / 10);

  /** Resident anonymous and file-backed memory (kB lines of /proc/self/smaps_rollup), in MB. */
  const rollup = () => {
    try {
      const text = readFileSync("/proc/self/smaps_rollup", "utf8");
      const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN);
      return {
        anon: Math.round(kb("Anonymous") / 102.4) / 10,
        file: Math.round((kb("Rss") - kb("Anonymous")) / 102.4) / 10,
      };
    } catch {
      return {};
    }
  };

  const spaces = () => {
    const out = {};
    for (const s of v8.getHeapSpaceStatistics()) {
      const name = {
        new_space: "newSpace",
        old_space: "oldSpace",
        code_space: "codeSpace",
        large_object_space: "largeObject",
      }[s.space_name];
      if (name) out[name] = round(s.space_size);
    }
    return out;
  };

  // How late the event loop ran timers in the last second (ms): what every request and database reply waits.
  // The histogram's values include its sampling interval, which is taken off.
  const RESOLUTION_MS = 10;
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();

  const timer = setInterval(() => {
    const m = process.memoryUsage();
    const loop = {
      loopP50: lateMs(delay.percentile(50)),
      loopP99: lateMs(delay.percentile(99)),
      loopMax: lateMs(delay.max),
    };
    delay.reset();
    const line = {
      t: Math.round((Date.now() - started) / 100) / 10,
      rss: round(m.rss),
      heapTotal: round(m.heapTotal),
      heapUsed: round(m.heapUsed),
      external: round(m.external),
      arrayBuffers: round(m.arrayBuffers),
      ...rollup(),
      ...spaces(),
      ...loop,
    };
    process.stderr.write(`[memstats] ${JSON.stringify(line)}\n`);
  }, 1000);
  timer.unref();
}
