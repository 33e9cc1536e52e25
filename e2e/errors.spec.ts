import { expect, saveScreenshot, test } from "./fixtures";

test("402 insufficient balance explains what to do, and nothing is retried", async ({ chat, sim, page }) => {
  await sim.script({ kind: "http-error", status: 402, code: "insufficient_balance", message: "wallet empty" });
  await chat.goto();
  await chat.ask("你好");
  await expect(chat.errorNotice).toHaveAttribute("data-code", "insufficient_balance");
  await expect(chat.errorNotice).toContainText("余额");
  await expect(chat.assistant()).toHaveAttribute("data-status", "error");
  expect(await sim.chatRequests()).toHaveLength(1);
  await saveScreenshot(page, "04-error-402");
});

test("429 with a far reset says when to come back, without waiting", async ({ chat, sim }) => {
  const reset = Math.floor(Date.now() / 1000) + 3600;
  await sim.script({
    kind: "http-error",
    status: 429,
    code: "rate_limit_error",
    message: "5h bucket exhausted",
    headers: { "X-RateLimit-Reset": String(reset) },
  });
  await chat.goto();
  await chat.ask("你好");
  const expected = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(new Date(reset * 1000));
  await expect(chat.errorNotice).toHaveAttribute("data-code", "rate_limited");
  await expect(chat.errorNotice).toContainText(expected);
  expect(await sim.chatRequests()).toHaveLength(1);
});

test("a mid-stream error keeps the partial text, marks it interrupted, and Retry regenerates", async ({
  chat,
  sim,
  page,
}) => {
  await sim.script(
    {
      kind: "stream",
      text: "第一部分内容已经送达，后面还有很多。",
      errorFrameAfter: 6,
      errorFrame: { code: "upstream_error", message: "model crashed" },
    },
    { kind: "stream", text: "重新生成的完整回答。" },
  );
  await chat.goto();
  await chat.ask("写点什么");
  const assistant = chat.assistant();
  await expect(assistant).toHaveAttribute("data-status", "interrupted");
  await expect(chat.errorNotice).toHaveAttribute("data-code", "stream_interrupted");
  expect((await assistant.innerText()).length).toBeGreaterThan(0);
  await saveScreenshot(page, "05-interrupted");

  await page.getByTestId("retry-button").click();
  await expect(chat.assistant()).toContainText("重新生成的完整回答。");
  await expect(chat.assistant()).toHaveAttribute("data-status", "done");
  await expect(chat.errorNotice).toHaveCount(0);
});

test("a dropped connection mid-reply keeps what arrived", async ({ chat, sim }) => {
  await sim.script({ kind: "stream", text: "连接中断之前的内容在这里。", dropAfter: 5 });
  await chat.goto();
  await chat.ask("你好");
  await expect(chat.assistant()).toHaveAttribute("data-status", "interrupted");
  await expect(chat.errorNotice).toHaveAttribute("data-code", "stream_interrupted");
});

test("finish_reason sensitive shows the content-safety notice", async ({ chat, sim }) => {
  await sim.script({ kind: "stream", text: "这是部分回答", finishReason: "sensitive" });
  await chat.goto();
  await chat.ask("你好");
  await expect(chat.errorNotice).toHaveAttribute("data-code", "content_filtered");
  await expect(chat.errorNotice).toContainText("内容安全");
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
