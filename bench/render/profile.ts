// --profile: a CDP sampling profile of one variant's streaming window, summarised by self time per original source
// (production bundles are mapped back through their source maps) and per package.
import { writeFileSync } from "node:fs";
import type { CDPSession } from "playwright-core";
import { SourceMapConsumer, type RawSourceMap } from "source-map-js";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  what: string;
  selfMs: number;
  share: number;
}

/** A stretch of the profile with no idle sample for over 50 ms (a long task, or back-to-back ones). */
export interface BusySpan {
  /** ms from the profile's start (the profiler starts right before Enter). */
  at: number;
  ms: number;
  /** Self time by function (original source), longest first. */
  top: Array<{ what: string; ms: number }>;
  /** Total time by function on the stack (inclusive), longest first: which caller the time went through. */
  inclusive: Array<{ what: string; ms: number }>;
}

export interface ProfileSummary {
  totalMs: number;
  spans?: BusySpan[];
  bySource: ProfileRow[];
  byFunction: ProfileRow[];
  byPackage: ProfileRow[];
  file: string;
}

export async function startProfile(cdp: CDPSession): Promise<void> {
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 500 });
  await cdp.send("Profiler.start");
}

async function loadMap(url: string): Promise<SourceMapConsumer | null> {
  try {
    const js = await (await fetch(url)).text();
    const ref = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(js)?.[1];
    if (!ref || ref.startsWith("data:")) return null;
    const map = (await (await fetch(new URL(ref, url))).json()) as RawSourceMap;
    return new SourceMapConsumer(map);
  } catch {
    return null;
  }
}

function packageOf(source: string): string {
  const nm = source.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = source.slice(nm + "node_modules/".length).split("/");
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? source);
  }
  return source;
}

/** Stops the profiler, saves the raw profile, and returns self time grouped three ways. */
/** `appDir`: the app's working copy, stripped from source paths so they read as repository paths. */
export async function stopProfile(cdp: CDPSession, file: string, appDir: string): Promise<ProfileSummary> {
  const { profile } = (await cdp.send("Profiler.stop")) as unknown as { profile: CpuProfile };
  writeFileSync(file, JSON.stringify(profile));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const maps = new Map<string, Promise<SourceMapConsumer | null>>();
  const bySource = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  const nameOf = new Map<number, string>();
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    const cf = node.callFrame;
    nameOf.set(node.id, cf.functionName || "(anonymous)");
    if (ms === 0) continue;
    if (cf.functionName === "(idle)") continue;
    total += ms;
    let source = cf.url ? cf.url.replace(/^https?:\/\/[^/]+/, "") : cf.functionName || "(native)";
    let fn = cf.functionName || "(anonymous)";
    if (cf.url.startsWith("http")) {
      if (!maps.has(cf.url)) maps.set(cf.url, loadMap(cf.url));
      const map = await maps.get(cf.url)!;
      const pos = map?.originalPositionFor({ line: cf.lineNumber + 1, column: cf.columnNumber });
      if (pos?.source) {
        source = pos.source
          .replace(/^(webpack|turbopack):\/\/\/?(\[project\])?/, "")
          .replace(/^.*?(node_modules\/)/, "$1")
          .replace(`${appDir}/`, "")
          .replace(`${appDir.replace(/^\//, "")}/`, "");
        fn = `${pos.name ?? fn} (${source.split("/").slice(-2).join("/")}:${pos.line})`;
      }
    }
    nameOf.set(node.id, fn);
    add(bySource, source, ms);
    add(byFunction, fn, ms);
    add(byPackage, cf.url ? packageOf(source) : source, ms);
  }
  // Busy spans: consecutive samples without an idle one, longer than 50 ms. Names of frames that had no self time
  // are mapped too (callers), so the inclusive list reads in original names.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  for (const node of profile.nodes) {
    const cf = node.callFrame;
    if ((self.get(node.id) ?? 0) > 0 || !cf.url.startsWith("http")) continue;
    const map = await (maps.get(cf.url) ?? maps.set(cf.url, loadMap(cf.url)).get(cf.url)!);
    const pos = map?.originalPositionFor({ line: cf.lineNumber + 1, column: cf.columnNumber });
    if (pos?.source)
      nameOf.set(node.id, `${pos.name ?? cf.functionName} (${pos.source.split("/").slice(-2).join("/")}:${pos.line})`);
  }
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  const spans: BusySpan[] = [];
  let t = 0;
  let span: { start: number; end: number; self: Map<string, number>; incl: Map<string, number> } | null = null;
  const flush = () => {
    if (span && span.end - span.start > 50) {
      const top = (m: Map<string, number>, n: number) =>
        [...m.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, n)
          .map(([what, ms]) => ({ what, ms }));
      spans.push({ at: span.start, ms: span.end - span.start, top: top(span.self, 6), inclusive: top(span.incl, 14) });
    }
    span = null;
  };
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    t += dt;
    if (idle.has(id)) return flush();
    span ??= { start: t - dt, end: t, self: new Map(), incl: new Map() };
    span.end = t;
    add(span.self, nameOf.get(id) ?? "?", dt);
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const name = nameOf.get(n) ?? "?";
      if (!seen.has(name)) add(span.incl, name, dt);
      seen.add(name);
    }
  });
  flush();

  const rows = (m: Map<string, number>, n: number): ProfileRow[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([what, selfMs]) => ({ what, selfMs, share: total ? selfMs / total : 0 }));
  return {
    totalMs: total,
    bySource: rows(bySource, 25),
    byFunction: rows(byFunction, 30),
    byPackage: rows(byPackage, 20),
    spans,
    file,
  };
}
