// The side-by-side table, the targets, and the "Render benchmark" section of bench/RESULTS.md.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { VariantResult } from "./measure";
import type { ProfileSummary } from "./profile";

export interface Target {
  what: string;
  pass: boolean;
  detail: string;
}

const s1 = (n: number) => n.toFixed(1);
const ms = (n: number) => `${Math.round(n)} ms`;

function fidelityCell(r: VariantResult): string {
  const f = r.fidelity;
  if (f.ok) return "all pass";
  const fails: string[] = [];
  if (!f.tables.ok) fails.push(`tables ${f.tables.got}/${f.tables.want}`);
  if (!f.code.ok) fails.push(`code ${f.code.got}/${f.code.want}`);
  if (!f.inlineMath.ok) fails.push(`inline math ${f.inlineMath.got}/${f.inlineMath.want}`);
  if (!f.displayMath.ok) fails.push(`display math ${f.displayMath.got}/${f.displayMath.want}`);
  if (!f.cjkBold.ok) fails.push(`CJK bold ${f.cjkBold.got}/${f.cjkBold.want}`);
  if (!f.noStrayAsterisks.ok) fails.push(`${f.noStrayAsterisks.got}× stray **`);
  if (!f.textComplete.ok) fails.push(`text incomplete (${f.textComplete.missingHan} chars missing)`);
  return fails.join(", ");
}

export function table(results: VariantResult[]): string {
  const rows: Array<[string, (r: VariantResult) => string]> = [
    ["stream (first → last byte)", (r) => `${s1(r.streamSeconds)} s`],
    ["main-thread script (ScriptDuration)", (r) => `${s1(r.metrics.script)} s`],
    ["style recalc + layout", (r) => `${s1(r.metrics.style)} s + ${s1(r.metrics.layout)} s`],
    ["all main-thread tasks (TaskDuration)", (r) => `${s1(r.metrics.task)} s`],
    ["long animation frames (> 50 ms)", (r) => String(r.loaf.count)],
    ["… blocking > 50 ms / max blocking", (r) => `${r.loaf.over50} / ${ms(r.loaf.maxBlocking)}`],
    ["… longest frame / ending after the last byte", (r) => `${ms(r.loaf.maxDuration)} / ${r.loaf.afterStream}`],
    ["longest visible-text stall while bytes arrive", (r) => `${ms(r.longestStallMs)} (at ${s1(r.stallAtS)} s)`],
    ["last byte → final text", (r) => ms(Math.max(0, r.lastByteToFinalMs))],
    ["visible text updates", (r) => String(r.visibleUpdates)],
    ["DOM elements in the reply", (r) => String(r.domNodes)],
    ["fidelity", fidelityCell],
    ["machine load (5-min average at the end)", (r) => (r.load === undefined ? "–" : r.load.toFixed(2))],
  ];
  const head = `| | ${results.map((r) => r.name).join(" | ")} |`;
  const sep = `| --- | ${results.map(() => "---").join(" | ")} |`;
  return [head, sep, ...rows.map(([label, f]) => `| ${label} | ${results.map(f).join(" | ")} |`)].join("\n");
}

export function targets(results: VariantResult[], oursName: string): Target[] {
  const ours = results.find((r) => r.name === oursName);
  const a = results.find((r) => r.name.startsWith("(a)"));
  const b = results.find((r) => r.name.startsWith("(b)"));
  if (!ours) return [];
  const out: Target[] = [];
  const script = ours.metrics.script;
  if (b) {
    out.push({
      what: "script time ≤ 1/2 of (b) streamdown",
      pass: script <= b.metrics.script / 2,
      detail: `${s1(script)} s vs ${s1(b.metrics.script / 2)} s (1/2 of ${s1(b.metrics.script)} s); aim 1/4 = ${s1(b.metrics.script / 4)} s → ${script <= b.metrics.script / 4 ? "met" : "not met"}`,
    });
  }
  if (a) {
    out.push({
      what: "script time < 1/10 of (a) react-markdown",
      pass: script < a.metrics.script / 10,
      detail: `${s1(script)} s vs ${s1(a.metrics.script / 10)} s (1/10 of ${s1(a.metrics.script)} s)`,
    });
  }
  out.push({
    what: "no long animation frame blocking > 50 ms",
    pass: ours.loaf.over50 === 0,
    detail: `${ours.loaf.over50} frames blocking > 50 ms (max blocking ${ms(ours.loaf.maxBlocking)}, longest frame ${ms(ours.loaf.maxDuration)}, ${ours.loaf.count} frames > 50 ms)`,
  });
  out.push({
    what: "no visible-text stall > 100 ms while bytes arrive",
    pass: ours.longestStallMs <= 100,
    detail: `longest ${ms(ours.longestStallMs)}`,
  });
  out.push({
    what: "final text within 50 ms of the last byte",
    pass: ours.lastByteToFinalMs <= 50,
    detail: ms(Math.max(0, ours.lastByteToFinalMs)),
  });
  out.push({ what: "every fidelity check passes", pass: ours.fidelity.ok, detail: fidelityCell(ours) });
  return out;
}

export function targetLines(list: Target[]): string {
  return list.map((t) => `- ${t.pass ? "PASS" : "FAIL"} — ${t.what}: ${t.detail}`).join("\n");
}

export function profileLines(p: ProfileSummary, top = 12): string {
  const row = (r: { what: string; selfMs: number; share: number }) =>
    `| ${r.what.replace(/\|/g, "\\|")} | ${(r.selfMs / 1000).toFixed(2)} s | ${(r.share * 100).toFixed(1)}% |`;
  return [
    `Sampled self time ${(p.totalMs / 1000).toFixed(1)} s (raw profile: \`${p.file}\`).`,
    "",
    "| package / source | self | share |",
    "| --- | --- | --- |",
    ...p.byPackage.slice(0, top).map(row),
    "",
    "| function (original source) | self | share |",
    "| --- | --- | --- |",
    ...p.byFunction.slice(0, top).map(row),
  ].join("\n");
}

const BEGIN = "<!-- bench:render:begin -->";
const END = "<!-- bench:render:end -->";
const HEADING = "## Render benchmark";

/**
 * Replaces (or appends) only our section, between our own markers (the proxy benchmark keeps its section between
 * its own), re-reading the file right before writing. A legacy unmarked "## Render benchmark" section is replaced up
 * to the next heading or marker.
 */
export function writeSection(file: string, body: string): void {
  const current = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmark results\n";
  const section = `${BEGIN}\n${HEADING}\n\n${body.trim()}\n${END}\n`;
  let start = current.indexOf(BEGIN);
  let end = start >= 0 ? current.indexOf(END, start) : -1;
  if (start >= 0 && end >= 0) {
    end += END.length;
    if (current[end] === "\n") end++;
  } else {
    start = current.indexOf(`${HEADING}\n`);
    if (start >= 0) {
      const after = start + HEADING.length;
      const next = /\n(## |<!-- )/.exec(current.slice(after));
      end = next ? after + next.index + 1 : current.length;
    }
  }
  const next =
    start < 0
      ? `${current.trimEnd()}\n\n${section}`
      : `${current.slice(0, start)}${section}${end < current.length ? `\n${current.slice(end).replace(/^\n+/, "")}` : ""}`;
  writeFileSync(file, next.endsWith("\n") ? next : `${next}\n`);
}
