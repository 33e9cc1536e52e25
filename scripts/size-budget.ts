// `npm run test:size` (after `next build`): the first-load JavaScript of the chat page, gzip, from the
// production build, against a budget; and proof that the heavy renderers (Shiki, KaTeX) are not part
// of it. `npm run bench:size` (`--record`) also writes the figure into bench/RESULTS.md.
//
// Faithful to what a browser gets: the built server is started on a free port with a fresh SQLite
// database, a seeded admin and demo mode; the script signs in, loads the chat page's HTML and takes
// every script it loads up front — <script src>, preload/modulepreload links, and the chunks the
// inline React payload names for hydration — then gzips each file from .next/static on disk.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const SELF = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(SELF), "..");
const STATIC_DIR = path.join(ROOT, ".next", "static");
/** The issue's target: at most 200 kB (1000 bytes each) of gzip JavaScript before the chat page is usable. */
export const BUDGET_BYTES = 200_000;
/**
 * What `npm test` enforces: the first load as last measured (186.8 kB, once the chat engine loads after the
 * first paint) plus a little room, so that it can only shrink, never grow unnoticed; it is below the target,
 * so the default check also holds the target. Lower it as the first load shrinks.
 */
export const CEILING_BYTES = 192_000;
const RESULTS = path.join(ROOT, "bench", "RESULTS.md");
const BEGIN = "<!-- bench:size:begin -->";
const END = "<!-- bench:size:end -->";

/** Code that must load only on first use, each with strings that survive minification. */
export const LAZY_LIBRARIES = [
  { name: "Shiki (syntax highlighting)", markers: ['"ShikiError"'] },
  { name: "KaTeX (math)", markers: ["KaTeX parse error"] },
  { name: "rehype-katex (math pipeline)", markers: ['"rehype-katex"'] },
];

/** The /_next/static/… scripts a page's HTML makes the browser load before it is interactive. */
export function firstLoadScripts(html: string): string[] {
  const found = new Set<string>();
  const add = (url: string) => {
    const clean = url.replace(/&amp;/g, "&").split(/[?#]/)[0]!;
    if (clean.startsWith("/_next/static/") && clean.endsWith(".js")) found.add(decodeURIComponent(clean));
  };
  // <script nomodule> (Next's legacy polyfills) is skipped by every browser that runs modules.
  for (const [tag] of html.matchAll(/<script\b[^>]*>/g)) {
    const src = /\ssrc="([^"]+)"/.exec(tag!)?.[1];
    if (src && !/\snomodule\b/i.test(tag!)) add(src);
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/g)) {
    const rel = /\srel="([^"]+)"/.exec(tag!)?.[1] ?? "";
    const as = /\sas="([^"]+)"/.exec(tag!)?.[1] ?? "";
    const href = /\shref="([^"]+)"/.exec(tag!)?.[1];
    if (href && (rel === "modulepreload" || (rel === "preload" && as === "script"))) add(href);
  }
  // Chunks of the client components in the server-rendered tree, named in the inline flight data
  // (escaped inside JS strings); the runtime loads them before hydrating.
  for (const [, attrs, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    if (/\ssrc=/.test(attrs!)) continue;
    for (const [, chunk] of body!.matchAll(/\/?_next\/static\/(chunks\/[^"'\\\s]+?\.js)/g))
      add(`/_next/static/${chunk}`);
  }
  return [...found].sort();
}

export interface ChunkSize {
  url: string;
  bytes: number;
  gzip: number;
}

export function measure(urls: string[], staticDir = STATIC_DIR): ChunkSize[] {
  return urls
    .map((url) => {
      const file = path.join(staticDir, url.slice("/_next/static/".length));
      if (!file.startsWith(staticDir + path.sep) || !existsSync(file)) {
        throw new Error(`${url}: not in the build (${file}); was .next built from this tree?`);
      }
      const content = readFileSync(file);
      return { url, bytes: content.length, gzip: gzipSync(content).length };
    })
    .sort((a, b) => b.gzip - a.gzip);
}

/** Which lazy libraries a set of files contains (by marker). */
export function librariesIn(files: Array<{ name: string; text: string }>) {
  return LAZY_LIBRARIES.map((lib) => ({
    ...lib,
    files: files.filter((f) => lib.markers.some((m) => f.text.includes(m))).map((f) => f.name),
  }));
}

function allBuiltChunks(): Array<{ name: string; text: string }> {
  return (readdirSync(STATIC_DIR, { recursive: true, encoding: "utf8" }) as string[])
    .filter((f) => f.endsWith(".js"))
    .map((f) => ({
      name: `/_next/static/${f.split(path.sep).join("/")}`,
      text: readFileSync(path.join(STATIC_DIR, f), "utf8"),
    }));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts the production server, signs in as the seeded admin and returns the chat page's HTML. */
export async function chatPageHtml(): Promise<{ html: string; url: string }> {
  const [port, simulatorPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(os.tmpdir(), "glm-chat-size-"));
  const email = "size-budget@example.com";
  const password = `size-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const server = spawn(
    path.join(ROOT, "node_modules", ".bin", "next"),
    ["start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: "production",
        DATABASE_URL: `file:${path.join(dir, "app.db")}`,
        ADMIN_EMAIL: email,
        ADMIN_PASSWORD: password,
        BYTESPIKE_API_KEY: "",
        SIMULATOR_PORT: String(simulatorPort),
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  let output = "";
  server.stdout.on("data", (c: Buffer) => (output += c.toString()));
  server.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const origin = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode}):\n${output}`);
      const ok = await fetch(`${origin}/sign-in`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`the server did not answer within 120 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const signIn = await fetch(`${origin}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({ email, password }),
    });
    if (!signIn.ok) throw new Error(`sign-in failed: ${signIn.status} ${await signIn.text()}`);
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    // "/" opens the newest chat, or a new one: follow the redirects with the session.
    let url = `${origin}/`;
    for (let hops = 0; hops < 5; hops++) {
      const res = await fetch(url, { headers: { cookie }, redirect: "manual" });
      const location = res.headers.get("location");
      if (res.status >= 300 && res.status < 400 && location) {
        url = new URL(location, url).href;
        continue;
      }
      const html = await res.text();
      if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
      if (!/data-testid="chat-input"/.test(html) && !/\/(new|c\/)/.test(url)) {
        throw new Error(`${url} is not the chat page`);
      }
      return { html, url: url.slice(origin.length) };
    }
    throw new Error("too many redirects from /");
  } finally {
    try {
      process.kill(-server.pid!, "SIGTERM");
    } catch {
      // Already gone.
    }
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dir, { recursive: true, force: true });
  }
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
  return `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

function commit(): string {
  try {
    const sha = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: "pipe",
    }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: "pipe",
    });
    return dirty.trim() ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return "unknown";
  }
}

function record(section: string): void {
  const current = existsSync(RESULTS) ? readFileSync(RESULTS, "utf8") : "# Benchmark results\n";
  const block = `${BEGIN}\n${section}\n${END}`;
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + block + current.slice(end + END.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(RESULTS, next);
}

async function main(): Promise<void> {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    throw new Error("no production build: run `npm run build` first");
  }
  const { html, url } = await chatPageHtml();
  const scripts = firstLoadScripts(html);
  if (scripts.length === 0) throw new Error(`${url}: no script found in the page`);
  const chunks = measure(scripts);
  const total = chunks.reduce((sum, c) => sum + c.gzip, 0);
  const raw = chunks.reduce((sum, c) => sum + c.bytes, 0);

  const firstLoad = chunks.map((c) => ({
    name: c.url,
    text: readFileSync(path.join(STATIC_DIR, c.url.slice("/_next/static/".length)), "utf8"),
  }));
  const inBuild = librariesIn(allBuiltChunks());
  const inFirstLoad = librariesIn(firstLoad);
  const problems: string[] = [];
  for (const lib of inBuild) {
    // A marker found nowhere would make the check below pass for nothing.
    if (lib.files.length === 0)
      problems.push(`${lib.name}: its marker is in no chunk of the build; update LAZY_LIBRARIES`);
  }
  for (const lib of inFirstLoad) {
    if (lib.files.length > 0) problems.push(`${lib.name} is in the first load: ${lib.files.join(", ")}`);
  }
  // The target, and the ceiling below it that keeps the first load from growing back towards it unnoticed.
  // (`--strict` is kept for scripts that pass it: the default check now holds the target too.)
  if (total > BUDGET_BYTES) {
    problems.push(`first-load JavaScript ${kB(total)} gzip is over the ${kB(BUDGET_BYTES)} budget`);
  } else if (total > CEILING_BYTES) {
    problems.push(
      `first-load JavaScript ${kB(total)} gzip is over the ${kB(CEILING_BYTES)} ceiling (it grew; under the ${kB(BUDGET_BYTES)} target still)`,
    );
  }

  const top = chunks.slice(0, 10);
  const lines = [
    `Chat page (${url.replace(/[?].*$/, "")}) first-load JavaScript: ${kB(total)} gzip (${kB(raw)} raw) in ${chunks.length} scripts; budget ${kB(BUDGET_BYTES)}.`,
    "Largest:",
    ...top.map((c) => `  ${kB(c.gzip).padStart(9)}  ${c.url}`),
    "Loaded only on first use (not in the first load):",
    ...inBuild.map((lib) => `  ${lib.name}: ${lib.files.length} chunk(s) in the build, 0 in the first load`),
  ];
  for (const line of lines) console.log(`[size] ${line}`);

  if (process.argv.includes("--record")) {
    const load = os
      .loadavg()
      .map((n) => n.toFixed(1))
      .join(" / ");
    record(
      [
        "## Size budget (`npm run bench:size`)",
        "",
        `Machine: ${machine()}. Date: ${new Date().toISOString()}. Commit: ${commit()}. Load average at the time: ${load} (sizes do not depend on it).`,
        "",
        `First-load JavaScript of the chat page, gzip (zlib default level) of every script its HTML loads up front: **${kB(total)}** (${kB(raw)} raw, ${chunks.length} scripts); budget ${kB(BUDGET_BYTES)}${total > BUDGET_BYTES ? " — **over budget**" : ""}.`,
        "",
        "| gzip | raw | chunk |",
        "| ---: | ---: | --- |",
        ...top.map((c) => `| ${kB(c.gzip)} | ${kB(c.bytes)} | \`${c.url.replace("/_next/static/", "")}\` |`),
        "",
        `Not in the first load (found in ${inBuild.map((l) => `${l.name.split(" ")[0]}: ${l.files.length}`).join(", ")} chunk(s) of the build, loaded on first use): ${inBuild.map((l) => l.name).join(", ")}. The app has no diagram renderer.`,
      ].join("\n"),
    );
    console.log(`[size] recorded in ${path.relative(ROOT, RESULTS)}`);
  }
  if (problems.length > 0) {
    for (const p of problems) console.error(`[size] FAILED: ${p}`);
    process.exit(1);
  }
  console.log("[size] passed");
}

if (process.argv[1] && path.resolve(process.argv[1]) === SELF) {
  main().catch((error: unknown) => {
    console.error(`[size] FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  });
}
