// Diagnostic: inclusive (total) time per app function in a saved --profile run, mapped through the build's source
// maps: `npx tsx bench/render/inclusive.ts <file.cpuprofile> <app dir>`.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SourceMapConsumer, type RawSourceMap } from "source-map-js";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
const [file, appDir] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file!, "utf8")) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const maps = new Map<string, SourceMapConsumer | null>();
function mapOf(url: string): SourceMapConsumer | null {
  if (maps.has(url)) return maps.get(url)!;
  const js = join(appDir!, ".next", url.replace(/^https?:\/\/[^/]+\/_next\//, ""));
  const ref = existsSync(js) ? /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(js, "utf8"))?.[1] : undefined;
  const local = ref ? join(js, "..", ref) : "";
  const m =
    local && existsSync(local) ? new SourceMapConsumer(JSON.parse(readFileSync(local, "utf8")) as RawSourceMap) : null;
  maps.set(url, m);
  return m;
}
const names = new Map<number, string>();
function nameOf(n: Node): string {
  let s = names.get(n.id);
  if (s) return s;
  const cf = n.callFrame;
  s = cf.functionName || "(anon)";
  if (cf.url.startsWith("http")) {
    const pos = mapOf(cf.url)?.originalPositionFor({ line: cf.lineNumber + 1, column: cf.columnNumber });
    if (pos?.source) {
      const src = pos.source.replace(/^.*?\[project\]\//, "").replace(/^.*node_modules\//, "nm:");
      s = `${pos.name ?? cf.functionName ?? "?"} ${src}:${pos.line}`;
    }
  }
  names.set(n.id, s);
  return s;
}
const filter = process.argv[4] ? new RegExp(process.argv[4]) : /^(?!.*nm:).*(components|lib|app)\//;
const incl = new Map<string, number>();
let total = 0;
for (const [id, ms] of self) {
  const n0 = byId.get(id)!;
  if (n0.callFrame.functionName === "(idle)") continue;
  total += ms;
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const nm = nameOf(byId.get(cur)!);
    if (!filter.test(nm) || seen.has(nm)) continue;
    seen.add(nm);
    incl.set(nm, (incl.get(nm) ?? 0) + ms);
  }
}
console.log(`total ${(total / 1000).toFixed(1)} s`);
for (const [k, v] of [...incl.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[5] ?? 45)))
  console.log(`${(v / 1000).toFixed(2).padStart(7)} s  ${k}`);
