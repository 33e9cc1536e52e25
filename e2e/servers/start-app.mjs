// Starts one e2e app instance on a fresh database: `node e2e/servers/start-app.mjs <port> [--postgres]`.
// SQLite: the file named by DATABASE_URL is deleted first. --postgres: a throwaway PostgreSQL cluster
// (scripts/pg-test-cluster.sh) is started for the instance and stopped when Playwright stops it (SIGTERM).
// E2E_KEEP_DATABASE=1: start on the SQLite file as a previous run left it (a restart after a crash).
// E2E_LOG_FILE: the server's stdout and stderr are also written there (truncated at start, appended to
// with E2E_LOG_APPEND=1), for the scan for secrets after the run (e2e/global-teardown.ts).
import { execFileSync, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import path from "node:path";

const [port, mode] = process.argv.slice(2);
if (!port) throw new Error("usage: start-app.mjs <port> [--postgres]");
const env = { ...process.env };
let clusterDir;

if (mode === "--postgres") {
  const out = execFileSync("scripts/pg-test-cluster.sh", ["start"], { encoding: "utf8" });
  clusterDir = /^PGTEST_DIR=(.+)$/m.exec(out)?.[1];
  env.DATABASE_URL = /^DATABASE_URL=(.+)$/m.exec(out)?.[1];
  if (!clusterDir || !env.DATABASE_URL) throw new Error(`pg-test-cluster.sh printed no DATABASE_URL:\n${out}`);
} else if (env.DATABASE_URL?.startsWith("file:") && !env.E2E_KEEP_DATABASE) {
  const file = env.DATABASE_URL.slice("file:".length);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
}

const stopCluster = () => {
  if (!clusterDir) return;
  const dir = clusterDir;
  clusterDir = undefined;
  execFileSync("scripts/pg-test-cluster.sh", ["stop", dir], { stdio: "ignore" });
};
const logFile = env.E2E_LOG_FILE;
// What `npm start` serves (scripts/start.mjs: Next, with the chat routes' replies in its chat worker thread).
const server = spawn(process.execPath, ["scripts/start.mjs", "-p", port, "-H", "127.0.0.1"], {
  env,
  stdio: logFile ? ["inherit", "pipe", "pipe"] : "inherit",
});
let log;
if (logFile) {
  mkdirSync(path.dirname(logFile), { recursive: true });
  log = createWriteStream(logFile, { flags: env.E2E_LOG_APPEND === "1" ? "a" : "w" });
  server.stdout.on("data", (chunk) => (process.stdout.write(chunk), log.write(chunk)));
  server.stderr.on("data", (chunk) => (process.stderr.write(chunk), log.write(chunk)));
}
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.kill("SIGTERM");
    setTimeout(() => server.kill("SIGKILL"), 3000).unref();
  });
}
// "close": after the server exited and its output was read to the end (and written to the log).
server.on("close", (code) => {
  stopCluster();
  if (log) log.end(() => process.exit(code ?? 0));
  else process.exit(code ?? 0);
});
process.on("exit", stopCluster);
