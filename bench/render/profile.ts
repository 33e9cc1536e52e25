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

export interface ProfileSummary {
  totalMs: number;
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
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    if (ms === 0) continue;
    const cf = node.callFrame;
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
    add(bySource, source, ms);
    add(byFunction, fn, ms);
    add(byPackage, cf.url ? packageOf(source) : source, ms);
  }
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
    file,
  };
}
