import { adminRequest, createAccount, E2E, expect, signedInState, test } from "./fixtures";
import { ChatPage } from "./pages/chat-page";
import { expectNothingElseDisturbed, startWithBystander } from "./pages/fault-checks";
import { conversationId, databaseFile, StoredChats } from "./pages/stored-chat";
import { descendants, exited, startInstance, stopInstance, type Instance } from "./servers/instance";

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

let instance: Instance | undefined;

test.afterAll(async () => {
  await stopInstance(instance);
});

test("the server killed mid-reply and restarted: the reply is interrupted with its stored text, and the chat goes on", async ({
  browser,
  sim,
}) => {
  instance = await startInstance({ port });
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

  instance = await startInstance({ port, keep: true });
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
