// `npm run test:audit`: the production dependencies' known vulnerabilities, from the npm registry's
// audit service (`npm audit --omit=dev --json`). Fails on any high or critical advisory that is not
// listed, with a reason, in .ci/audit-exceptions.json — and fails too when the audit could not be
// done at all (no network, or a registry that does not answer audits): no answer is not a clean bill.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const EXCEPTIONS_FILE = path.join(ROOT, ".ci", "audit-exceptions.json");
export const BLOCKING = new Set(["high", "critical"]);

/** The advisory id users see: GHSA-… from the advisory URL, else npm's numeric source id. */
function advisoryId(via) {
  const ghsa = /GHSA(-[0-9a-z]{4}){3}/i.exec(via.url ?? "")?.[0];
  return ghsa ?? String(via.source);
}

/**
 * Reads `npm audit --json` output (report version 2). Throws with a clear message when the text is
 * not an audit report (npm prints an error object instead when the registry refuses or is down).
 */
export function parseAuditReport(text) {
  let report;
  try {
    report = JSON.parse(text);
  } catch {
    throw new Error(`npm audit printed no JSON report:\n${text.slice(0, 500)}`);
  }
  if (!report || typeof report !== "object" || typeof report.vulnerabilities !== "object" || !report.metadata) {
    const status = report?.statusCode ? ` (HTTP ${report.statusCode})` : "";
    const detail = report?.message ?? report?.error?.summary ?? JSON.stringify(report).slice(0, 300);
    throw new Error(`the registry gave no audit report${status}: ${detail}`);
  }
  return report;
}

/** Every advisory in the report, once, with the packages it reaches. */
export function advisories(report) {
  const byId = new Map();
  for (const vuln of Object.values(report.vulnerabilities)) {
    for (const via of vuln.via ?? []) {
      if (typeof via !== "object" || via === null) continue; // a string: "vulnerable through another package"
      const id = advisoryId(via);
      const entry = byId.get(id) ?? {
        id,
        title: via.title ?? "",
        url: via.url ?? "",
        severity: via.severity ?? vuln.severity,
        package: via.name ?? via.dependency ?? vuln.name,
        range: via.range ?? vuln.range ?? "",
        affects: new Set(),
        fixAvailable: vuln.fixAvailable,
      };
      entry.affects.add(vuln.name);
      for (const effect of vuln.effects ?? []) entry.affects.add(effect);
      byId.set(id, entry);
    }
  }
  return [...byId.values()].map((a) => ({ ...a, affects: [...a.affects].sort() }));
}

/** Validates the exceptions file's content: `{ exceptions: [{ advisory, package, reason, reviewed }] }`. */
export function parseExceptions(value) {
  const list = value?.exceptions;
  if (!Array.isArray(list)) throw new Error(`${EXCEPTIONS_FILE}: expected {"exceptions": [...]}`);
  for (const [i, e] of list.entries()) {
    if (typeof e?.advisory !== "string" || !e.advisory) throw new Error(`exception #${i + 1}: "advisory" is missing`);
    if (typeof e.reason !== "string" || e.reason.trim().length < 20) {
      throw new Error(`exception ${e.advisory}: "reason" must explain why it is acceptable (20+ characters)`);
    }
  }
  return list;
}

/** Splits the report's advisories into blocking ones, excepted ones and exceptions no longer needed. */
export function evaluate(report, exceptions) {
  const all = advisories(report);
  const excepted = new Map(exceptions.map((e) => [e.advisory.toUpperCase(), e]));
  const blocking = [];
  const allowed = [];
  for (const a of all) {
    if (!BLOCKING.has(a.severity)) continue;
    const exception = excepted.get(a.id.toUpperCase());
    if (exception) allowed.push({ ...a, reason: exception.reason });
    else blocking.push(a);
  }
  const present = new Set(all.map((a) => a.id.toUpperCase()));
  const stale = exceptions.filter((e) => !present.has(e.advisory.toUpperCase()));
  return { all, blocking, allowed, stale, counts: report.metadata.vulnerabilities ?? {} };
}

const line = (a) =>
  `  ${a.severity.padEnd(8)} ${a.id}  ${a.package} ${a.range}  ${a.title}\n           via: ${a.affects.join(", ")}  ${a.url}`;

function main() {
  const exceptions = parseExceptions(JSON.parse(readFileSync(EXCEPTIONS_FILE, "utf8")));
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const run = spawnSync(npm, ["audit", "--omit=dev", "--json"], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw new Error(`could not run npm audit: ${run.error.message}`);
  let report;
  try {
    report = parseAuditReport(run.stdout);
  } catch (error) {
    const stderr = run.stderr.trim().split("\n").slice(-3).join("\n");
    console.error(
      `[audit] FAILED: the dependency audit could not be done — ${error.message}\n` +
        `${stderr ? `${stderr}\n` : ""}` +
        "        npm audit needs the registry's audit service (POST /-/npm/v1/security/advisories/bulk).\n" +
        "        An audit that could not run is not a pass: run it where the registry answers audits.",
    );
    process.exit(2);
  }
  const { blocking, allowed, stale, counts } = evaluate(report, exceptions);
  const summary = ["critical", "high", "moderate", "low", "info"].map((s) => `${counts[s] ?? 0} ${s}`).join(", ");
  console.log(`[audit] production dependencies: ${summary}`);
  for (const a of allowed) console.log(`[audit] excepted:\n${line(a)}\n           reason: ${a.reason}`);
  for (const e of stale)
    console.log(`[audit] note: exception ${e.advisory} (${e.package ?? "?"}) matches nothing now; remove it`);
  if (blocking.length > 0) {
    console.error(`[audit] FAILED: ${blocking.length} high/critical advisory(ies) without an exception:`);
    for (const a of blocking) console.error(line(a));
    console.error(
      `        Upgrade (npm audit fix --omit=dev, within semver) or explain each in ${path.relative(ROOT, EXCEPTIONS_FILE)}.`,
    );
    process.exit(1);
  }
  console.log("[audit] passed: no high or critical advisory without an explained exception");
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    main();
  } catch (error) {
    console.error(`[audit] FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
}
