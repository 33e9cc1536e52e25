import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { adminRequest, createAccount, E2E, expect, signedInState, test } from "./fixtures";
import { ChatPage } from "./pages/chat-page";
import { expectNothingElseDisturbed, startWithBystander } from "./pages/fault-checks";
import { conversationId, databaseFile, StoredChats } from "./pages/stored-chat";

// The app process killed (SIGKILL, no chance to clean up) in the middle of a reply, then started
// again on the same database: the reply shows as interrupted with the text stored before the
// crash, the database says so, and the chat goes on. This spec runs its own app instance
// (E2E.restartPort, its own SQLite file) so that killing it disturbs no other spec.

const port = E2E.restartPort;
const base = `http://127.0.0.1:${port}`;
const stored = new StoredChats(databaseFile(port));

// The instance starts inside the test: the usual signed-in fixtures would need it before any hook.
test.use({ baseURL: base, storageState: { cookies: [], origins: [] } });
test.describe.configure({ timeout: 240_000 });

interface Instance {
  wrapper: ChildProcess;
  output: string[];
}
let instance: Instance | undefined;

/** e2e/servers/start-app.mjs on this spec's port; `keep`: on the database the killed one left. */
async function startInstance(keep: boolean): Promise<Instance> {
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
      ...(keep ? { E2E_KEEP_DATABASE: "1" } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const started: Instance = { wrapper, output: [] };
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
        return fetch(`${base}/sign-in`).then(
          (res) => res.status,
          () => 0,
        );
      },
      { timeout: 120_000, intervals: [250], message: `the app on ${port} answers` },
    )
    .toBe(200);
  return started;
}

/** Every process below `pid` (the wrapper's `next start` and whatever it started), read from /proc. */
function descendants(pid: number): number[] {
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

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()));
}

test.afterAll(async () => {
  if (!instance) return;
  const { wrapper } = instance;
  wrapper.kill("SIGTERM");
  await exited(wrapper);
});

test("the server killed mid-reply and restarted: the reply is interrupted with its stored text, and the chat goes on", async ({
  browser,
  sim,
}) => {
  instance = await startInstance(false);
  const admin = await adminRequest(base);
  const account = await createAccount(admin);
  await admin.dispose();
  const context = await browser.newContext({
    baseURL: base,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    storageState: await signedInState(base, account),
  });
  const page = await context.newPage();
  const chat = new ChatPage(page);
  const bystander = await startWithBystander(chat, sim, stored, base);
  // Long enough (80 s) that it is surely still streaming when the server is killed, however slow the machine.
  const sentences = Array.from({ length: 1000 }, (_, i) => `第${i}句。`);
  await sim.script({ kind: "stream", chunks: sentences.map((content) => ({ content })), chunkDelayMs: 80 });
  await chat.ask("写一段很长的文字");
  const id = await conversationId(page);
  await expect(chat.assistant()).toContainText("第10句。");
  // The reply is being written to the database as it streams (at most once a second).
  await expect
    .poll(() => stored.messages(id).findLast((m) => m.role === "assistant")?.text.length ?? 0, {
      message: "some of the reply is stored while it streams",
    })
    .toBeGreaterThanOrEqual(sentences.slice(0, 5).join("").length);

  // SIGKILL the server process itself (not only the wrapper, which then exits on its own).
  const { wrapper } = instance!;
  const servers = descendants(wrapper.pid!);
  expect(servers.length, "start-app.mjs runs the server as a child").toBeGreaterThan(0);
  for (const pid of servers) process.kill(pid, "SIGKILL");
  await exited(wrapper);
  // The upstream request died with it; the row is left as the crash found it.
  await expect.poll(async () => (await sim.chatRequests()).at(-1)?.closedEarly).toBe(true);
  const leftBehind = stored.messages(id).findLast((m) => m.role === "assistant")!;
  expect(leftBehind.status).toBe("streaming");
  // The page that was watching says the connection to the server broke (not the gateway) and keeps what it had.
  await expect(chat.assistant()).toHaveAttribute("data-status", "interrupted");
  await expect(chat.assistant()).toContainText("第10句。");
  await expect(chat.errorNotice).toHaveAttribute("data-code", "connection_lost");
  await expect(chat.errorNotice).toContainText(
    "与服务器的连接中断，已显示收到的部分。请检查网络后刷新页面查看已保存的回答，或点击重试。",
  );

  instance = await startInstance(true);
  const reply = await stored.finalReply(id);
  expect(reply.status).toBe("interrupted");
  expect(reply.text).toBe(leftBehind.text);
  expect(sentences.join("").startsWith(reply.text)).toBe(true);
  expect(reply.text.length).toBeLessThan(sentences.join("").length);
  expect(reply.metadata.error?.code).toBe("stream_interrupted");
  expect(reply.parts.every((p) => !("state" in p) || p.state === "done")).toBe(true);

  await page.reload();
  await expect(chat.assistant()).toHaveAttribute("data-status", "interrupted");
  await expect(chat.assistant().locator('[data-slot="markdown"]')).toHaveText(reply.text);
  await expect(chat.assistant()).toContainText("回复已中断");
  await expect(chat.errorNotice).toContainText("回答在生成途中中断，已保留收到的部分内容。可以点击重试重新生成。");
  await expect(chat.user()).toContainText("写一段很长的文字");
  await expectNothingElseDisturbed(chat, sim, stored, bystander, id);
  await context.close();
});
