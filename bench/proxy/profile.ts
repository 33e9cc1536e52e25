// Summarises a .cpuprofile (from `--profile <candidate>`): self time by function and by package.
//   npx tsx bench/proxy/profile.ts bench/.out/proxy/profiles/CPU.….cpuprofile [top] [--from s] [--to s] [--timeline]
// --timeline prints the busy time per 250 ms since the profile started (to find a level and its ramp);
// --from/--to keep only the samples in that window (seconds since the profile started).
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const [value] = args.splice(i, 2).slice(1);
  return value;
};
const fromS = Number(option("from") ?? "0");
const toS = Number(option("to") ?? "Infinity");
const timeline = args.includes("--timeline");
const [file, topArg] = args.filter((a) => a !== "--timeline");
if (!file) throw new Error("usage: profile.ts <file.cpuprofile> [top] [--from s] [--to s] [--timeline]");
const top = Number(topArg ?? 40);
const prof = JSON.parse(readFileSync(file, "utf8")) as {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
};
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
const busyPerQuarter = new Map<number, number>();
let at = prof.startTime;
prof.samples.forEach((id, i) => {
  const dt = prof.timeDeltas[i] ?? 0;
  at += dt;
  const s = (at - prof.startTime) / 1e6;
  if (byId.get(id)?.callFrame.functionName !== "(idle)") {
    busyPerQuarter.set(Math.floor(s * 4), (busyPerQuarter.get(Math.floor(s * 4)) ?? 0) + dt);
  }
  if (s >= fromS && s < toS) self.set(id, (self.get(id) ?? 0) + dt);
});
if (timeline) {
  console.log("busy time per 250 ms (s since the profile started):");
  for (const [q, us] of [...busyPerQuarter.entries()].sort((a, b) => a[0] - b[0])) {
    console.log(
      `${(q / 4).toFixed(2).padStart(7)}s ${String(Math.round(us / 1000)).padStart(4)} ms ${"#".repeat(Math.round(us / 5000))}`,
    );
  }
  process.exit(0);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);

const pkg = (url: string) => {
  if (!url) return "(native/vm)";
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1]!;
  if (url.startsWith("node:")) return url;
  if (url.includes("/.next/")) return ".next (app code)";
  return url.replace(/^file:\/\//, "").replace(process.cwd(), ".");
};
const fnKey = (n: Node) =>
  `${n.callFrame.functionName || "(anon)"}  ${pkg(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

const agg = (key: (n: Node) => string) => {
  const m = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byId.get(id)!;
    m.set(key(n), (m.get(key(n)) ?? 0) + t);
  }
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
};
const pct = (t: number) => `${((t / total) * 100).toFixed(1).padStart(5)}%`;
console.log(`total sampled: ${(total / 1000).toFixed(0)} ms`);
console.log("\nby package:");
for (const [k, t] of agg((n) => pkg(n.callFrame.url)).slice(0, 20)) console.log(`${pct(t)}  ${k}`);
console.log("\nby function (self):");
for (const [k, t] of agg(fnKey).slice(0, top)) console.log(`${pct(t)}  ${k}`);

// Inclusive time: a function's own samples plus everything it called (counted once per stack).
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map<string, number>();
for (const [id, t] of self) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const k = fnKey(byId.get(cur)!);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + t);
  }
}
const busy = total - (agg((n) => n.callFrame.functionName).find(([k]) => k === "(idle)")?.[1] ?? 0);
console.log(`\nby function (inclusive), % of busy time (${(busy / 1000).toFixed(0)} ms):`);
for (const [k, t] of [...inclusive.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  if (k.startsWith("(root)") || k.startsWith("(idle)")) continue;
  console.log(`${((t / busy) * 100).toFixed(1).padStart(5)}%  ${k}`);
}

// Inclusive time by original source file, through the build's source maps (.next/server/**/*.js.map):
// tells lib/chat from lib/db, better-auth, Next and Node's own streams.
const maps = new Map<string, SourceMap | null>();
const sourceOf = (n: Node, withFunction = false): string => {
  const { url, lineNumber, columnNumber } = n.callFrame;
  if (!url.includes("/.next/")) return withFunction ? fnKey(n) : pkg(url);
  const file = url.startsWith("file://") ? fileURLToPath(url) : url;
  if (!maps.has(file)) {
    try {
      maps.set(file, existsSync(`${file}.map`) ? new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8"))) : null);
    } catch {
      maps.set(file, null);
    }
  }
  const entry = maps.get(file)?.findEntry(lineNumber, columnNumber) as
    { originalSource?: string; originalLine?: number; name?: string } | undefined;
  const src = entry?.originalSource;
  if (!src) return ".next (unmapped)";
  const m = src.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  const where = m
    ? m[1]!
    : src.replace(/^.*?\/(app|lib|components|instrumentation)/, "$1").replace(/^turbopack:\/\/\/\[project\]\//, "");
  // The function's own start, in its original file (the build renames functions).
  return withFunction ? `${where}:${(entry.originalLine ?? 0) + 1}` : where;
};
const bySource = new Map<string, number>();
for (const [id, t] of self) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const k = sourceOf(byId.get(cur)!);
    if (seen.has(k)) continue;
    seen.add(k);
    bySource.set(k, (bySource.get(k) ?? 0) + t);
  }
}
console.log(`\nby source file (inclusive), % of busy time:`);
for (const [k, t] of [...bySource.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  if (k === "(native/vm)") continue;
  console.log(`${((t / busy) * 100).toFixed(1).padStart(5)}%  ${k}`);
}
const selfBySource = new Map<string, number>();
for (const [id, t] of self) {
  const k = sourceOf(byId.get(id)!);
  selfBySource.set(k, (selfBySource.get(k) ?? 0) + t);
}
console.log(`\nby source file (self), % of busy time:`);
for (const [k, t] of [...selfBySource.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  if (k === "(native/vm)") continue;
  console.log(`${((t / busy) * 100).toFixed(1).padStart(5)}%  ${k}`);
}

// Inclusive time by original function (file:line of its start): which of our functions (and queries) cost what.
const byFunction = new Map<string, number>();
for (const [id, t] of self) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const k = sourceOf(byId.get(cur)!, true);
    if (seen.has(k)) continue;
    seen.add(k);
    byFunction.set(k, (byFunction.get(k) ?? 0) + t);
  }
}
console.log(`\nby original function (inclusive), % of busy time:`);
for (const [k, t] of [...byFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, top * 2)) {
  if (/^\((root|idle|program)\)/.test(k)) continue;
  console.log(`${((t / busy) * 100).toFixed(1).padStart(5)}%  ${k}`);
}
