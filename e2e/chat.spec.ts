import { expect, saveScreenshot, test } from "./fixtures";

const PROMPT = "用中文写一份产品发布公告。";

test("a Chinese prompt streams into the chat token by token and finishes", async ({ chat, sim, page }) => {
  const reply =
    "## 新品发布公告\n\n我们很高兴地宣布，**新一代协作平台**正式上线。本次更新带来更快的同步速度与全新的界面。";
  await sim.script({
    kind: "stream",
    reasoning: "先确定公告的结构：标题、正文、落款。",
    text: reply,
    chunkDelayMs: 40,
  });
  await chat.goto();
  await saveScreenshot(page, "01-empty-chat");

  // The page itself records the reply's text length at every change while it is streaming, so a busy
  // test machine polling late cannot miss the growth (nor see only the finished reply).
  await page.evaluate(() => {
    const seen = new Set<number>();
    (window as unknown as { __streamedLengths: Set<number> }).__streamedLengths = seen;
    new MutationObserver(() => {
      const reply = document.querySelector('[data-testid="message"][data-role="assistant"][data-status="streaming"]');
      if (reply) seen.add((reply.textContent ?? "").length);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await chat.ask(PROMPT);
  await expect(chat.user()).toContainText(PROMPT);
  const assistant = chat.assistant();
  await expect(assistant).toHaveAttribute("data-status", /streaming|done/);
  if ((await assistant.getAttribute("data-status")) === "streaming") await saveScreenshot(page, "02-streaming");

  await expect(assistant).toHaveAttribute("data-status", "done");
  // Token by token: the visible text took many different lengths while the stream was live.
  const lengths = await page.evaluate(
    () => (window as unknown as { __streamedLengths: Set<number> }).__streamedLengths.size,
  );
  expect(lengths).toBeGreaterThan(3);
  await expect(assistant).toContainText("新一代协作平台");
  await saveScreenshot(page, "03-reply-done");

  const [request] = await sim.chatRequests();
  expect(request?.body).toMatchObject({ model: "glm-5-1", stream: true });
  const body = request?.body as { messages: Array<{ role: string; content: string }>; user: string };
  expect(body.messages.at(-1)).toEqual({ role: "user", content: PROMPT });
  expect(body.user).toMatch(/^u_[0-9a-f]{32}$/);
});

test("Enter while an IME is composing does not send; Enter after composition does", async ({ chat, sim, page }) => {
  await sim.script({ kind: "stream", text: "收到。" });
  await chat.goto();
  await chat.input.focus();
  const cdp = await page.context().newCDPSession(page);
  // Pinyin being composed: the candidate window is open.
  await cdp.send("Input.imeSetComposition", { text: "fabu", selectionStart: 4, selectionEnd: 4 });
  await page.keyboard.press("Enter");
  await cdp.send("Input.insertText", { text: "发布" });
  await expect(chat.input).toHaveValue("发布");
  expect(await chat.messages.count()).toBe(0);

  await page.keyboard.press("Shift+Enter");
  await page.keyboard.type("公告");
  await expect(chat.input).toHaveValue("发布\n公告");
  expect(await chat.messages.count()).toBe(0);

  await page.keyboard.press("Enter");
  await expect(chat.user()).toContainText("发布");
  await expect(chat.assistant()).toHaveAttribute("data-status", "done");
});

test("Stop ends the reply at once and closes the upstream connection", async ({ chat, sim, page }) => {
  await sim.script({ kind: "stream", text: "这是一段很长的回答。".repeat(60), chunkDelayMs: 60 });
  await chat.goto();
  await chat.ask("写一篇长文。");
  const assistant = chat.assistant();
  await expect(assistant).toContainText("这是一段");
  await chat.stop.click();
  await expect(chat.send).toBeVisible();
  await expect(assistant).not.toHaveAttribute("data-status", "streaming");
  const kept = await assistant.innerText();
  expect(kept).toContain("这是一段");

  await expect
    .poll(async () => (await sim.chatRequests()).at(-1)?.closedEarly, { message: "the simulator saw the early close" })
    .toBe(true);
  const [request] = await sim.chatRequests();
  expect(request?.completed).toBe(false);
  await page.waitForTimeout(500);
  expect(await assistant.innerText()).toBe(kept);
});
