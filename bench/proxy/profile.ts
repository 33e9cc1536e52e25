// Summarises a .cpuprofile (from `--profile <candidate>`): self time by function and by package.
//   npx tsx bench/proxy/profile.ts bench/.out/profiles/CPU.….cpuprofile [top]
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
const file = process.argv[2];
if (!file) throw new Error("usage: profile.ts <file.cpuprofile> [top]");
const top = Number(process.argv[3] ?? 40);
const prof = JSON.parse(readFileSync(file, "utf8")) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
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
const sourceOf = (n: Node): string => {
  const { url, lineNumber, columnNumber } = n.callFrame;
  if (!url.includes("/.next/")) return pkg(url);
  const file = url.startsWith("file://") ? fileURLToPath(url) : url;
  if (!maps.has(file)) {
    try {
      maps.set(file, existsSync(`${file}.map`) ? new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8"))) : null);
    } catch {
      maps.set(file, null);
    }
  }
  const entry = maps.get(file)?.findEntry(lineNumber, columnNumber) as { originalSource?: string } | undefined;
  const src = entry?.originalSource;
  if (!src) return ".next (unmapped)";
  const m = src.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1]!;
  return src.replace(/^.*?\/(app|lib|components|instrumentation)/, "$1").replace(/^turbopack:\/\/\/\[project\]\//, "");
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
