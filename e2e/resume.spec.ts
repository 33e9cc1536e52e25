import { expect, test } from "./fixtures";

// A reply belongs to the server: a reload shows what arrived so far and keeps receiving the rest;
// only Stop ends it, also after a reload.

const sentences = (n: number) => Array.from({ length: n }, (_, i) => ({ content: `第${i}句。` }));

test("a reload mid-reply loses nothing: the partial text shows, the rest arrives live, and all of it is stored", async ({
  chat,
  sim,
  page,
}) => {
  await sim.script({ kind: "stream", chunks: sentences(50), chunkDelayMs: 100 });
  await chat.goto();
  await chat.ask("写一段很长的文字");
  await expect(chat.assistant()).toContainText("第5句。");
  await expect(page).toHaveURL(/\/c\/[0-9a-f-]{36}$/);

  await page.reload();
  // The stored partial reply is in the page as it loads, then the live stream takes over.
  await expect(chat.assistant()).toContainText("第3句。");
  await expect(chat.assistant()).toHaveAttribute("data-status", "streaming");
  await expect(chat.stop).toBeVisible();
  await expect(chat.assistant()).toContainText("第49句。", { timeout: 20_000 });
  await expect(chat.assistant()).toHaveAttribute("data-status", "done");
  const [upstream] = await sim.chatRequests();
  expect(upstream?.completed).toBe(true);
  expect(upstream?.closedEarly).toBe(false);

  await page.reload();
  await expect(chat.assistant()).toContainText("第0句。第1句。");
  await expect(chat.assistant()).toContainText("第49句。");
  await expect(chat.assistant()).toHaveAttribute("data-status", "done");
  await expect(chat.messages).toHaveCount(2);
});

test("Stop still works after a reload: the upstream connection closes and the partial reply is kept", async ({
  chat,
  sim,
  page,
}) => {
  await sim.script({ kind: "stream", chunks: sentences(300), chunkDelayMs: 60 });
  await chat.goto();
  await chat.ask("再写一段很长的文字");
  await expect(chat.assistant()).toContainText("第3句。");
  await page.reload();
  await expect(chat.assistant()).toHaveAttribute("data-status", "streaming");
  await expect(chat.assistant()).toContainText("第10句。");
  await chat.stop.click();
  await expect(chat.send).toBeVisible();
  await expect(chat.assistant()).toHaveAttribute("data-status", "interrupted");
  await expect
    .poll(async () => (await sim.chatRequests())[0]?.closedEarly, { message: "upstream closed early" })
    .toBe(true);
  const kept = await chat.assistant().innerText();

  await page.reload();
  await expect(chat.assistant()).toHaveAttribute("data-status", "interrupted");
  const stored = await chat.assistant().innerText();
  expect(stored).toContain("第10句。");
  expect(stored).not.toContain("第299句。");
  expect(kept).toContain("第10句。");
});

test("the composer keeps each conversation's unsent draft across reloads", async ({ chat, sim, page }) => {
  await sim.script({ kind: "stream", text: "好的。" });
  await chat.goto();
  await chat.askAndWait("第一个对话");
  const first = page.url();
  await chat.input.fill("写到一半的问题，还没发送");
  await page.reload();
  await expect(chat.input).toHaveValue("写到一半的问题，还没发送");

  // Another (new) chat has its own, empty draft; its draft survives a reload too.
  await chat.newChat.click();
  await expect(chat.input).toHaveValue("");
  await chat.input.fill("新对话里的草稿");
  await page.reload();
  await expect(chat.input).toHaveValue("新对话里的草稿");

  await page.goto(first);
  await expect(chat.input).toHaveValue("写到一半的问题，还没发送");
  // Sending clears it for good.
  await sim.script({ kind: "stream", text: "收到。" });
  await chat.input.press("Enter");
  await expect(chat.assistant()).toHaveAttribute("data-status", "done");
  await page.reload();
  await expect(chat.input).toHaveValue("");
});

test("a reload while a cut reply is being continued keeps its first half and the rest arrives live", async ({
  chat,
  sim,
  page,
}) => {
  await sim.script(
    { kind: "stream", text: "第一部分写到这里", finishReason: "length" },
    { kind: "stream", chunks: sentences(30), chunkDelayMs: 100 },
  );
  await chat.goto();
  await chat.askAndWait("写一篇长文");
  await chat.assistant().getByTestId("continue-button").click();
  await expect(chat.assistant()).toContainText("第3句。");
  await page.reload();
  await expect(chat.assistant()).toContainText("第一部分写到这里");
  await expect(chat.assistant()).toHaveAttribute("data-status", "streaming");
  await expect(chat.assistant()).toContainText("第29句。", { timeout: 20_000 });
  await expect(chat.assistant()).toContainText("第一部分写到这里");
  await expect(chat.assistant()).toHaveAttribute("data-status", "done");
  await expect(chat.messages).toHaveCount(2);
});
