import { execFileSync, execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";

// A throwaway PostgreSQL cluster per test file (scripts/pg-test-cluster.sh; ~1 s to start), with a
// fresh database per test suite. Missing PostgreSQL binaries fail the tests loudly: no silent skip.

const SCRIPT = fileURLToPath(new URL("../scripts/pg-test-cluster.sh", import.meta.url));
const run = promisify(execFile);

export interface PgCluster {
  /** postgresql://… of the cluster's `postgres` database. */
  url: string;
  dir: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

let current: Promise<PgCluster> | undefined;

async function start(): Promise<PgCluster> {
  let stdout: string;
  try {
    ({ stdout } = await run(SCRIPT, ["start"], { timeout: 60_000 }));
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? "";
    throw new Error(`Cannot start the PostgreSQL test cluster (scripts/pg-test-cluster.sh): ${stderr.trim()}`, {
      cause: err,
    });
  }
  const dir = /^PGTEST_DIR=(.+)$/m.exec(stdout)?.[1];
  const url = /^DATABASE_URL=(.+)$/m.exec(stdout)?.[1];
  if (!dir || !url) throw new Error(`pg-test-cluster.sh printed no DATABASE_URL:\n${stdout}`);
  let stopped = false;
  const stopSync = () => {
    if (!stopped) execFileSync(SCRIPT, ["stop", dir], { stdio: "ignore" });
    stopped = true;
  };
  // A crashed test run must not leave a server behind.
  process.once("exit", stopSync);
  return {
    url,
    dir,
    async createDatabase() {
      const name = `t_${randomBytes(6).toString("hex")}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      const target = new URL(url);
      target.pathname = `/${name}`;
      return target.toString();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener("exit", stopSync);
      await run(SCRIPT, ["stop", dir]);
    },
  };
}

/** The test file's cluster, started on first use. */
export function pgCluster(): Promise<PgCluster> {
  current ??= start();
  return current;
}

/** Stops the file's cluster if one was started (call from afterAll). */
export async function stopPgCluster(): Promise<void> {
  const cluster = current;
  current = undefined;
  if (cluster) await (await cluster).stop();
}
