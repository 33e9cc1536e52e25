// The real app for the benchmark: a production build in its own working copy (so other engineers' builds in
// /work/main are never touched), started with `next start` against the simulator.
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

export interface AppCopy {
  dir: string;
  /** What was built: a commit, or "worktree@<hash>" for uncommitted sources. */
  source: string;
  rebuilt: boolean;
  buildSeconds: number;
}

const log = (msg: string) => console.log(`[bench:render] ${msg}`);

/**
 * Copies the app (HEAD by default, or the working tree) to `dir`, links node_modules, and builds it unless the
 * same sources were built there before. Turbopack refuses a node_modules symlink that leaves its root, so the copy
 * gets a next.config wrapper that widens turbopack.root and turns on browser source maps (used by --profile; they
 * change nothing at runtime unless DevTools asks for them).
 */
export function prepareApp(repo: string, dir: string, opts: { worktree: boolean; rebuild: boolean }): AppCopy {
  const git = (...args: string[]) => execFileSync("git", ["-C", repo, ...args], { encoding: "utf8" }).trim();
  let source = git("rev-parse", "HEAD");
  if (opts.worktree) {
    const dirty = git("status", "--porcelain", "--untracked-files=all", "--", ".", ":!bench");
    const diff = git("diff", "HEAD", "--", ".", ":!bench");
    source = `worktree@${source.slice(0, 12)}+${simpleHash(dirty + diff)}`;
  }
  const stamp = join(dir, ".render-bench-source");
  const built = existsSync(stamp) && existsSync(join(dir, ".next/BUILD_ID")) ? readFileSync(stamp, "utf8") : "";
  // A newer commit that only touches benchmarks, e2e specs, unit tests or prose builds the same app.
  const sameApp = (a: string, b: string) =>
    /^[0-9a-f]{40}$/.test(a) &&
    /^[0-9a-f]{40}$/.test(b) &&
    spawnSync("git", ["-C", repo, "diff", "--quiet", a, b, "--", ".", ":!bench", ":!e2e", ":!*.md", ":!*.test.ts"])
      .status === 0;
  if (!opts.rebuild && built && (built === source || sameApp(built, source))) {
    log(`reusing the app build in ${dir} (${built}${built === source ? "" : `, same app as ${source}`})`);
    return { dir, source: built, rebuilt: false, buildSeconds: 0 };
  }

  log(`copying the app (${opts.worktree ? "working tree" : "HEAD"}) to ${dir}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (opts.worktree) {
    const excludes = ["./.git", "./.next", "./node_modules", "./bench/.out", "./test-results", "./playwright-report"];
    const tarArgs = excludes.map((e) => `--exclude='${e}'`).join(" ");
    execFileSync("sh", ["-c", `tar -C "${repo}" ${tarArgs} -cf - . | tar -x -C "${dir}"`], { stdio: "inherit" });
  } else {
    execFileSync("sh", ["-c", `git -C "${repo}" archive HEAD | tar -x -C "${dir}"`], { stdio: "inherit" });
  }
  symlinkSync(join(repo, "node_modules"), join(dir, "node_modules"));
  renameSync(join(dir, "next.config.mjs"), join(dir, "next.config.app.mjs"));
  writeFileSync(
    join(dir, "next.config.mjs"),
    [
      "// Written by bench/render: the app's config, with turbopack.root widened for the symlinked node_modules.",
      'import appConfig from "./next.config.app.mjs";',
      'const widen = (c) => ({ ...c, productionBrowserSourceMaps: true, turbopack: { ...c.turbopack, root: "/" } });',
      'export default typeof appConfig === "function" ? async (...a) => widen(await appConfig(...a)) : widen(appConfig);',
      "",
    ].join("\n"),
  );

  log("building the app (next build)…");
  const started = Date.now();
  const build = spawnSync(join(dir, "node_modules/.bin/next"), ["build"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  const buildSeconds = (Date.now() - started) / 1000;
  if (build.status !== 0) {
    console.error(build.stdout, build.stderr);
    throw new Error(`next build failed in ${dir}`);
  }
  writeFileSync(stamp, source);
  log(`built in ${buildSeconds.toFixed(0)} s`);
  return { dir, source, rebuilt: true, buildSeconds };
}

function simpleHash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningApp {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The account the benchmark signs in with, ensured at startup through ADMIN_EMAIL/ADMIN_PASSWORD. */
export const BENCH_USER = {
  email: "render-bench@example.com",
  password: "render-bench-password",
  name: "Render bench",
};

/**
 * `next start` in its own process group (so the whole tree can be ended), keyed against the simulator, with a fresh
 * SQLite database and quotas off (a full run streams ~50k tokens).
 */
export async function startApp(dir: string, simulatorUrl: string): Promise<RunningApp> {
  const port = await freePort();
  const dataDir = join(dir, "data");
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const child = spawn(join(dir, "node_modules/.bin/next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: dir,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      BYTESPIKE_API_KEY: "sk-byts-render-bench-0000",
      BYTESPIKE_BASE_URL: `${simulatorUrl}/v1`,
      PORT: String(port),
      DATABASE_URL: `file:${join(dataDir, "render-bench.db")}`,
      ADMIN_EMAIL: BENCH_USER.email,
      ADMIN_PASSWORD: BENCH_USER.password,
      QUOTA_TOKENS_PER_DAY: "0",
      QUOTA_MAX_CONCURRENT: "0",
    },
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output}`);
    try {
      // Any answer means the server is up (/api/models needs a session on builds with accounts).
      const res = await fetch(`${url}/api/models`);
      if (res.status < 500) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next start did not answer within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { url, child, stop };
}
