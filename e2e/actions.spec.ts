import { expect, test } from "./fixtures";

const MARKDOWN = "## 标题\n\n**加粗**和[链接](https://example.com)\n\n- 第一项";

test("copy gives the Markdown source or plain text", async ({ chat, sim, page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await sim.script({ kind: "stream", text: MARKDOWN });
  await chat.goto();
  await chat.askAndWait("写点东西");
  const reply = chat.assistant();
  const actions = reply.getByTestId("message-actions");
  // Hidden until the pointer or keyboard focus comes to the message.
  await expect(actions).toHaveCSS("opacity", "0");
  await reply.hover();
  await expect(actions).toHaveCSS("opacity", "1");

  await reply.getByTestId("copy-markdown").click();
  await expect(reply.getByTestId("copy-markdown")).toHaveAttribute("aria-label", "已复制");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(MARKDOWN);

  await reply.getByTestId("copy-plain").click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    "标题\n\n加粗和链接 (https://example.com)\n\n• 第一项",
  );

  await chat.user().hover();
  await chat.user().getByTestId("copy-markdown").click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("写点东西");
});

test("message actions are reachable by keyboard, with a tooltip", async ({ chat, sim, page }) => {
  await sim.script({ kind: "stream", text: "回答" });
  await chat.goto();
  await chat.askAndWait("问题");
  await chat.assistant().getByTestId("copy-markdown").focus();
  await page.keyboard.press("Tab");
  const plain = chat.assistant().getByTestId("copy-plain");
  await expect(plain).toBeFocused();
  await expect(chat.assistant().getByTestId("message-actions")).toHaveCSS("opacity", "1");
  await expect(plain.getByText("复制纯文本")).toBeVisible();
});

test("regenerate replaces the last reply", async ({ chat, sim }) => {
  await sim.script({ kind: "stream", text: "第一次回答" }, { kind: "stream", text: "第二次回答" });
  await chat.goto();
  await chat.askAndWait("问题");
  await chat.assistant().hover();
  await chat.assistant().getByTestId("regenerate").click();
  await expect(chat.assistant()).toContainText("第二次回答");
  await expect(chat.assistant()).toHaveAttribute("data-status", "done");
  await expect(chat.messages).toHaveCount(2);
  const second = (await sim.chatRequests())[1]?.body as { messages: Array<{ role: string }> };
  expect(second.messages.map((m) => m.role)).toEqual(["user"]);
});

test("editing a question resends it and replaces everything after it", async ({ chat, sim, page }) => {
  await sim.script(
    { kind: "stream", text: "答一" },
    { kind: "stream", text: "答二" },
    { kind: "stream", text: "改过之后的回答" },
  );
  await chat.goto();
  await chat.askAndWait("问一");
  await chat.askAndWait("问二");
  await expect(chat.messages).toHaveCount(4);

  await chat.user(0).hover();
  await chat.user(0).getByTestId("edit-message").click();
  const editor = page.getByTestId("message-editor");
  await expect(editor).toBeFocused();
  await expect(editor).toHaveValue("问一");
  // Esc cancels without touching anything.
  await page.keyboard.press("Escape");
  await expect(editor).toHaveCount(0);

  await chat.user(0).hover();
  await chat.user(0).getByTestId("edit-message").click();
  await editor.fill("问一（改）");
  await editor.press("Enter");
  await expect(chat.messages).toHaveCount(2);
  await expect(chat.user(0)).toContainText("问一（改）");
  await expect(chat.assistant()).toContainText("改过之后的回答");
  const last = (await sim.chatRequests()).at(-1)?.body as { messages: Array<{ role: string; content: string }> };
  expect(last.messages).toEqual([{ role: "user", content: "问一（改）" }]);
});

test("Continue extends a reply cut at max output, in the same message", async ({ chat, sim }) => {
  await sim.script(
    { kind: "stream", text: "第一部分写到这里", finishReason: "length" },
    { kind: "stream", text: "，第二部分接着写完。" },
  );
  await chat.goto();
  await chat.askAndWait("写一篇长文");
  const reply = chat.assistant();
  await expect(reply.getByTestId("continue-notice")).toContainText("最大输出长度");
  await reply.getByTestId("continue-button").click();
  await expect(reply).toContainText("第一部分写到这里，第二部分接着写完。");
  await expect(reply).toHaveAttribute("data-status", "done");
  await expect(chat.messages).toHaveCount(2);
  await expect(reply.getByTestId("continue-notice")).toHaveCount(0);

  const continued = (await sim.chatRequests())[1]?.body as { messages: Array<{ role: string; content: string }> };
  expect(continued.messages).toEqual([
    { role: "user", content: "写一篇长文" },
    { role: "assistant", content: "第一部分写到这里" },
    { role: "user", content: "请从上次中断处继续，不要重复已写内容。" },
  ]);
});

test("an answer cut by content safety reads as a notice, not a failure", async ({ chat, sim }) => {
  await sim.script({ kind: "stream", text: "这是部分回答", finishReason: "sensitive" });
  await chat.goto();
  await chat.askAndWait("你好");
  await expect(chat.errorNotice).toHaveAttribute("data-tone", "notice");
  await expect(chat.errorNotice).toHaveAttribute("role", "status");
  await expect(chat.errorNotice).toContainText("内容安全");
  await expect(chat.assistant()).toContainText("这是部分回答");
  await expect(chat.assistant()).not.toContainText("回复已中断");
});

test.describe("on a touch screen", () => {
  test.use({ hasTouch: true, isMobile: true, viewport: { width: 390, height: 800 } });

  test("message actions are always visible", async ({ chat, sim }) => {
    await sim.script({ kind: "stream", text: "回答" });
    await chat.goto();
    await chat.askAndWait("问题");
    await expect(chat.assistant().getByTestId("message-actions")).toHaveCSS("opacity", "1");
  });
});
