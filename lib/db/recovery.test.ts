import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimulator, type Simulator } from "@/lib/simulator/server";
import { DIALECTS, testTarget } from "@/test/db";
import { stopPgCluster } from "@/test/pg-cluster";
import { prepareDatabase, REPLY_STALE_MS } from "./index";
import { listMessages, recoverInterrupted } from "./queries/messages";

// A server process killed mid-reply (SIGKILL: no chance to write anything more) leaves the reply
// 'streaming'; the next start marks it interrupted and keeps the text it had (SQLite: at once, its
// one server; PostgreSQL: once no instance has written it for a heartbeat window).

const KEY = "sk-byts-recovery-key-1234";
let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({ port: 0, tokensPerSecond: 5000, keys: [KEY] });
});
afterAll(async () => {
  await sim?.close();
  await stopPgCluster();
});

function runUntilReady(env: Record<string, string>): Promise<{ kill: () => void; userId: string; chatId: string }> {
  const child = spawn("node_modules/.bin/tsx", ["--conditions=react-server", "test/fixtures/mid-reply.ts"], {
    env: { ...process.env, ...env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /READY (\S+) (\S+)/.exec(output);
      if (ready) resolve({ kill: () => child.kill("SIGKILL"), userId: ready[1]!, chatId: ready[2]! });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) =>
      reject(new Error(`the server process exited (${code}) before its reply began:\n${output}`)),
    );
  });
}

describe.each(DIALECTS)("a server killed mid-reply, on %s", { timeout: 90_000 }, (dialect) => {
  it("the next start marks the partial reply interrupted and keeps its text", async () => {
    const { target, remove } = await testTarget(dialect);
    sim.script([
      { kind: "stream", chunks: Array.from({ length: 400 }, (_, i) => ({ content: `第${i}句。` })), chunkDelayMs: 50 },
    ]);
    const server = await runUntilReady({
      DATABASE_URL: target.kind === "postgres" ? target.url : `file:${target.path}`,
      BYTESPIKE_API_KEY: KEY,
      BYTESPIKE_BASE_URL: `${sim.url}/v1`,
      BETTER_AUTH_URL: "http://localhost:3000",
      BETTER_AUTH_SECRET: "recovery-test-secret-0123456789-0123456789",
    });
    server.kill();
    // The next start: migrations, then the sweep of replies left streaming.
    const db = await prepareDatabase({
      database: target,
      BETTER_AUTH_URL: "http://localhost:3000",
      AUTH_SIGN_IN_PER_MINUTE: 10,
      oidc: undefined,
    });
    try {
      if (dialect === "postgres") {
        // Another instance may still be writing it: spared until its heartbeat is a window late, then
        // the periodic sweep (every REPLY_STALE_MS) takes it.
        expect((await listMessages(db, server.userId, server.chatId))[1]?.status).toBe("streaming");
        expect(await recoverInterrupted(db, { staleMs: REPLY_STALE_MS, now: Date.now() + REPLY_STALE_MS + 1 })).toBe(1);
      }
      const [question, reply] = await listMessages(db, server.userId, server.chatId);
      expect(question).toMatchObject({ role: "user", text: "长回答", status: "done" });
      expect(reply?.status).toBe("interrupted");
      expect(reply?.text).toMatch(/^第0句。第1句。/);
      expect(reply?.metadata).toMatchObject({ status: "interrupted", error: { code: "stream_interrupted" } });
    } finally {
      await db.close();
      remove();
    }
  });
});
