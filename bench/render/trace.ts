// --trace: a CDP trace of one variant's streaming window, summarised as main-thread time per trace event kind
// (script, style, layout, paint, commit, GC, …), i.e. what the CPU profile shows as "(program)".
import type { CDPSession } from "playwright-core";

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: {
    name?: string;
    data?: { url?: string; functionName?: string; type?: string; frame?: string; lineNumber?: number };
    beginData?: { url?: string; type?: string };
  };
}

export interface TraceRow {
  name: string;
  ms: number;
  count: number;
}

/** A main-thread task over 50 ms: when (ms from the trace's start, i.e. Enter), how long, and where its time went (self time by event). */
export interface LongTask {
  at: number;
  ms: number;
  top: Array<{ what: string; ms: number }>;
}

const CATEGORIES = [
  "devtools.timeline",
  "disabled-by-default-devtools.timeline",
  "v8.execute",
  "blink.user_timing",
  "__metadata",
].join(",");

export async function startTrace(cdp: CDPSession): Promise<void> {
  await cdp.send("Tracing.start", { categories: CATEGORIES, transferMode: "ReturnAsStream" });
}

async function readStream(cdp: CDPSession, handle: string): Promise<string> {
  let out = "";
  for (;;) {
    const chunk = await cdp.send("IO.read", { handle, size: 4 << 20 });
    out += chunk.base64Encoded ? Buffer.from(chunk.data, "base64").toString("utf8") : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send("IO.close", { handle });
  return out;
}

/**
 * Stops tracing and returns, for the renderer's main thread, the self time of each event kind: an event's duration
 * minus that of the events nested directly inside it, so the kinds add up to the thread's busy time.
 */
export async function stopTrace(cdp: CDPSession): Promise<{ rows: TraceRow[]; busyMs: number; longTasks: LongTask[] }> {
  const done = new Promise<string>((resolve) => cdp.once("Tracing.tracingComplete", (e) => resolve(e.stream ?? "")));
  await cdp.send("Tracing.end");
  const handle = await done;
  const parsed = JSON.parse(await readStream(cdp, handle)) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const main = events.find((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain");
  if (!main) return { rows: [], busyMs: 0, longTasks: [] };
  const complete = events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === "X" && (e.dur ?? 0) > 0)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const self = new Map<string, { ms: number; count: number }>();
  const stack: Array<{ e: TraceEvent; end: number; child: number }> = [];
  let busy = 0;
  // The trace starts right before Enter: its first event is the origin of the long tasks' times.
  const origin = complete[0]?.ts ?? 0;
  // Long top-level tasks: self time of what ran inside, by event kind and (for script) the script or function.
  const longTasks: LongTask[] = [];
  let task: { e: TraceEvent; parts: Map<string, number> } | null = null;
  const label = (e: TraceEvent, path: TraceEvent[]) => {
    const d = e.args?.data ?? e.args?.beginData;
    const url = (d?.url ?? "").replace(/^.*\//, "");
    const script = [...path].reverse().find((p) => p.args?.data?.url || p.args?.data?.functionName);
    const sd = script?.args?.data;
    const where = url || (sd ? `${(sd.url ?? "").replace(/^.*\//, "")} ${sd.functionName ?? ""}`.trim() : "");
    const kind = d?.type ? `${e.name}(${d.type})` : e.name;
    return where ? `${kind} ${where}` : kind;
  };
  const close = (upTo: number) => {
    while (stack.length && stack[stack.length - 1]!.end <= upTo) {
      const top = stack.pop()!;
      const selfUs = (top.e.dur ?? 0) - top.child;
      const s = self.get(top.e.name) ?? { ms: 0, count: 0 };
      s.ms += selfUs / 1000;
      s.count++;
      self.set(top.e.name, s);
      if (task) {
        const what = label(
          top.e,
          stack.map((x) => x.e),
        );
        task.parts.set(what, (task.parts.get(what) ?? 0) + selfUs / 1000);
      }
      if (stack.length === 0 && task) {
        const ms = (task.e.dur ?? 0) / 1000;
        const top5 = [...task.parts.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 6)
          .map(([w, m]) => ({ what: w, ms: m }));
        longTasks.push({ at: (task.e.ts - origin) / 1000, ms, top: top5 });
        task = null;
      }
    }
  };
  for (const e of complete) {
    close(e.ts);
    const end = e.ts + (e.dur ?? 0);
    const parent = stack[stack.length - 1];
    if (parent) parent.child += Math.min(end, parent.end) - e.ts;
    else {
      busy += e.dur ?? 0;
      if ((e.dur ?? 0) > 50_000) task = { e, parts: new Map() };
    }
    stack.push({ e, end, child: 0 });
  }
  close(Infinity);
  const rows = [...self.entries()].map(([name, v]) => ({ name, ms: v.ms, count: v.count })).sort((a, b) => b.ms - a.ms);
  return { rows, busyMs: busy / 1000, longTasks };
}
