import { expect, saveScreenshot, test } from "./fixtures";
import { chatRequestsAfter, expectNothingElseDisturbed, startWithBystander } from "./pages/fault-checks";
import { conversationId, StoredChats } from "./pages/stored-chat";

// The gateway's refusals and broken streams as the user meets them: the message (zh-CN, word for
// word), what is kept on screen and after a reload, the reply's row in the database, and another
// conversation and the next question left alone. More faults in e2e/faults.spec.ts.

const stored = new StoredChats();
// Each test also asks in another conversation, reloads and asks again: more steps than most specs.
test.describe.configure({ timeout: 120_000 });
const markdown = '[data-slot="markdown"]';

test("402 insufficient balance explains what to do, and nothing is retried", async ({ chat, sim, page, baseURL }) => {
  const bystander = await startWithBystander(chat, sim, stored, baseURL!);
  const skip = (await sim.chatRequests()).length;
  await sim.script({ kind: "http-error", status: 402, code: "insufficient_balance", message: "wallet empty" });
  await chat.ask("你好");
  const id = await conversationId(page);
  await expect(chat.errorNotice).toHaveAttribute("data-code", "insufficient_balance");
  await expect(chat.errorNotice).toContainText("网关账户余额已用完，请联系管理员充值后再试。");
  await expect(chat.assistant()).toHaveAttribute("data-status", "error");
  expect(await chatRequestsAfter(sim, skip)).toHaveLength(1);
  await saveScreenshot(page, "04-error-402");

  const reply = await stored.finalReply(id);
  expect(reply).toMatchObject({ status: "error", text: "", metadata: { error: { code: "insufficient_balance" } } });
  expect(reply.metadata.usage).toBeUndefined();
  expect(stored.usageRecords(reply.id)).toEqual([]);
  await page.reload();
  await expect(chat.errorNotice).toHaveAttribute("data-code", "insufficient_balance");
  await expectNothingElseDisturbed(chat, sim, stored, bystander, id);
});

test("429 with a far reset says when to come back, without waiting", async ({ chat, sim, page, baseURL }) => {
  const bystander = await startWithBystander(chat, sim, stored, baseURL!);
  const skip = (await sim.chatRequests()).length;
  const reset = Math.floor(Date.now() / 1000) + 3600;
  await sim.script({
    kind: "http-error",
    status: 429,
    code: "rate_limit_error",
    message: "5h bucket exhausted",
    headers: { "X-RateLimit-Reset": String(reset) },
  });
  await chat.ask("你好");
  const id = await conversationId(page);
  const expected = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(new Date(reset * 1000));
  await expect(chat.errorNotice).toHaveAttribute("data-code", "rate_limited");
  await expect(chat.errorNotice).toContainText(`请求过于频繁，已达到消费速率上限，请在 ${expected} 之后再试。`);
  expect(await chatRequestsAfter(sim, skip)).toHaveLength(1);

  const reply = await stored.finalReply(id);
  expect(reply).toMatchObject({ status: "error", text: "", metadata: { error: { code: "rate_limited" } } });
  expect(stored.usageRecords(reply.id)).toEqual([]);
  await page.reload();
  await expect(chat.errorNotice).toContainText(expected);
  await expectNothingElseDisturbed(chat, sim, stored, bystander, id);
});

test("a mid-stream error keeps the partial text, marks it interrupted, and Retry regenerates", async ({
  chat,
  sim,
  page,
  baseURL,
}) => {
  const bystander = await startWithBystander(chat, sim, stored, baseURL!);
  const chunks = ["第一部分", "内容已经", "送达，", "后面还有", "很多", "没有送达", "的内容。"];
  await sim.script(
    {
      kind: "stream",
      chunks: chunks.map((content) => ({ content })),
      errorFrameAfter: 5,
      errorFrame: { code: "upstream_error", message: "model crashed" },
    },
    { kind: "stream", text: "重新生成的完整回答。" },
  );
  await chat.ask("写点什么");
  const id = await conversationId(page);
  const assistant = chat.assistant();
  const partial = chunks.slice(0, 5).join("");
  await expect(assistant).toHaveAttribute("data-status", "interrupted");
  await expect(chat.errorNotice).toHaveAttribute("data-code", "stream_interrupted");
  await expect(chat.errorNotice).toContainText("回答在生成途中中断，已保留收到的部分内容。可以点击重试重新生成。");
  await expect(assistant.locator(markdown)).toHaveText(partial);
  await expect(assistant).toContainText("回复已中断");
  await saveScreenshot(page, "05-interrupted");

  // Stored as interrupted with exactly what streamed; an error frame is not billed.
  const reply = await stored.finalReply(id);
  expect(reply).toMatchObject({
    status: "interrupted",
    text: partial,
    metadata: { error: { code: "stream_interrupted", params: { detail: "model crashed" } } },
  });
  expect(reply.metadata.usage).toBeUndefined();
  await page.reload();
  await expect(chat.assistant().locator(markdown)).toHaveText(partial);
  await expect(chat.assistant()).toHaveAttribute("data-status", "interrupted");
  await expect(chat.errorNotice).toHaveAttribute("data-code", "stream_interrupted");

  await page.getByTestId("retry-button").click();
  await expect(chat.assistant()).toContainText("重新生成的完整回答。");
  await expect(chat.assistant()).toHaveAttribute("data-status", "done");
  await expect(chat.errorNotice).toHaveCount(0);
  // Retry replaced the interrupted reply: one question, one finished answer.
  await expect
    .poll(() => stored.messages(id).map((m) => [m.role, m.status]))
    .toEqual([
      ["user", "done"],
      ["assistant", "done"],
    ]);
  expect((await stored.finalReply(id)).text).toBe("重新生成的完整回答。");
  await expectNothingElseDisturbed(chat, sim, stored, bystander, id);
});

test("a dropped connection mid-reply keeps what arrived", async ({ chat, sim, page, baseURL }) => {
  const bystander = await startWithBystander(chat, sim, stored, baseURL!);
  const chunks = ["连接中断", "之前的", "内容", "在这里。", "之后的", "不会到达。"];
  await sim.script({ kind: "stream", chunks: chunks.map((content) => ({ content })), dropAfter: 4 });
  await chat.ask("你好");
  const id = await conversationId(page);
  const partial = chunks.slice(0, 4).join("");
  await expect(chat.assistant()).toHaveAttribute("data-status", "interrupted");
  await expect(chat.errorNotice).toHaveAttribute("data-code", "stream_interrupted");
  await expect(chat.assistant().locator(markdown)).toHaveText(partial);

  const reply = await stored.finalReply(id);
  expect(reply).toMatchObject({
    status: "interrupted",
    text: partial,
    metadata: { error: { code: "stream_interrupted" } },
  });
  expect(reply.metadata.usage).toBeUndefined();
  await page.reload();
  await expect(chat.assistant().locator(markdown)).toHaveText(partial);
  await expect(chat.assistant()).toHaveAttribute("data-status", "interrupted");
  await expectNothingElseDisturbed(chat, sim, stored, bystander, id);
});

test("finish_reason sensitive shows the content-safety notice", async ({ chat, sim, page, baseURL }) => {
  const bystander = await startWithBystander(chat, sim, stored, baseURL!);
  await sim.script({
    kind: "stream",
    text: "这是部分回答",
    finishReason: "sensitive",
    usage: { prompt_tokens: 12, completion_tokens: 4 },
  });
  await chat.ask("你好");
  const id = await conversationId(page);
  const notice = "内容安全审核拦截了本次回答（输入或生成内容可能包含敏感信息）。请修改问题后重试。";
  await expect(chat.errorNotice).toHaveAttribute("data-code", "content_filtered");
  await expect(chat.errorNotice).toContainText(notice);
  // A calm notice, not an alarm: the filter working as intended.
  await expect(chat.errorNotice).toHaveAttribute("data-tone", "notice");
  await expect(chat.assistant().locator(markdown)).toHaveText("这是部分回答");

  // The gateway bills a filtered answer: its usage is stored and counted.
  const reply = await stored.finalReply(id);
  expect(reply).toMatchObject({
    status: "interrupted",
    text: "这是部分回答",
    metadata: { finishReason: "sensitive", error: { code: "content_filtered" } },
  });
  expect(reply.metadata.usage).toMatchObject({ promptTokens: 12, completionTokens: 4, totalTokens: 16 });
  expect(stored.usageRecords(reply.id)).toEqual([{ promptTokens: 12, completionTokens: 4, totalTokens: 16 }]);
  await page.reload();
  await expect(chat.errorNotice).toContainText(notice);
  await expect(chat.assistant().locator(markdown)).toHaveText("这是部分回答");
  await expectNothingElseDisturbed(chat, sim, stored, bystander, id);
});

test("a 400 from our own validation shows its bilingual message", async ({ page }) => {
  const res = await page.request.post("/api/chat", {
    data: {
      id: "x1",
      model: "no-such-model",
      messages: [{ id: "m", role: "user", parts: [{ type: "text", text: "hi" }] }],
    },
  });
  expect(res.status()).toBe(400);
  const body = (await res.json()) as { error: { code: string; message: Record<string, string> } };
  expect(body.error.code).toBe("unknown_model");
  expect(body.error.message["zh-CN"]).toContain("no-such-model");
  expect(body.error.message.en).toContain("no-such-model");
});
