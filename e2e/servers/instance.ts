import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { expect } from "@playwright/test";
import { appLogFile, E2E } from "../../playwright.config";
import { databaseFile } from "../pages/stored-chat";

// An app instance a spec starts and stops itself (e2e/servers/start-app.mjs on E2E.restartPort, its own
// SQLite file), for specs that kill the server or need settings the shared instances do not have. Its
// log joins the others in the secret scan (e2e/global-teardown.ts).

export interface Instance {
  port: number;
  wrapper: ChildProcess;
  output: string[];
}

/**
 * Starts an instance and waits until it answers. `keep`: on the database a previous instance on the
 * port left (its log is appended to). `env` adds to or overrides the usual settings; the e2e client
 * plays the proxy in front (TRUSTED_PROXIES=127.0.0.1) unless `env` says otherwise.
 */
export async function startInstance(
  options: { port?: number; keep?: boolean; env?: Record<string, string> } = {},
): Promise<Instance> {
  const port = options.port ?? E2E.restartPort;
  const wrapper = spawn(process.execPath, ["e2e/servers/start-app.mjs", String(port)], {
    env: {
      ...process.env,
      ADMIN_EMAIL: E2E.adminEmail,
      ADMIN_PASSWORD: E2E.adminPassword,
      DATABASE_URL: `file:${databaseFile(port)}`,
      QUOTA_TOKENS_PER_DAY: "0",
      BYTESPIKE_API_KEY: E2E.canaryKey,
      BYTESPIKE_BASE_URL: `http://127.0.0.1:${E2E.simulatorPort}/v1`,
      MODEL_CATALOG_TTL_SECONDS: "5",
      TRUSTED_PROXIES: "127.0.0.1",
      E2E_LOG_FILE: appLogFile(port),
      ...(options.keep ? { E2E_KEEP_DATABASE: "1", E2E_LOG_APPEND: "1" } : {}),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const started: Instance = { port, wrapper, output: [] };
  const keepLine = (chunk: Buffer) => {
    started.output.push(chunk.toString());
    if (started.output.length > 200) started.output.shift();
  };
  wrapper.stdout!.on("data", keepLine);
  wrapper.stderr!.on("data", keepLine);
  await expect
    .poll(
      async () => {
        if (wrapper.exitCode !== null) throw new Error(`the app exited:\n${started.output.join("")}`);
        return fetch(`http://127.0.0.1:${port}/sign-in`).then(
          (res) => res.status,
          () => 0,
        );
      },
      { timeout: 120_000, intervals: [250], message: `the app on ${port} answers` },
    )
    .toBe(200);
  return started;
}

/** Stops an instance (SIGTERM to the wrapper, which stops the server) and waits for it to exit. */
export async function stopInstance(instance: Instance | undefined): Promise<void> {
  if (!instance) return;
  instance.wrapper.kill("SIGTERM");
  await exited(instance.wrapper);
}

export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Every process below `pid` (the wrapper's server and whatever it started), read from /proc. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // the process ended meanwhile
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parentOf) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}
