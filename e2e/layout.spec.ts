import type { Page } from "@playwright/test";
import type { ChatPage } from "./pages/chat-page";
import { expect, saveScreenshot, test } from "./fixtures";

const LONG_REPLY = [
  "## 季度发布计划",
  "",
  "下面是各模块的进度（数据截至本周五）：",
  "",
  "| 模块 | 负责人 | 进度 | 备注 |",
  "| --- | --- | :---: | --- |",
  "| 同步引擎 | 张伟 | 90% | 剩余性能调优 |",
  "| 新界面 | 李娜 | 75% | 等待设计走查 |",
  "| 权限系统 | 王强 | 60% | 接口评审中 |",
  "",
  "部署脚本示例：",
  "",
  "```bash",
  "kubectl rollout restart deployment/sync-engine --namespace=production && kubectl rollout status deployment/sync-engine --timeout=300s # 长命令不应撑宽页面",
  "```",
  "",
  "容量估算公式为 $C = \\frac{N \\times S}{R}$，其中 $N$ 为用户数。",
  "",
  "$$",
  "T_{total} = \\sum_{i=1}^{n} t_i + \\epsilon",
  "$$",
  "",
  "详细文档：https://docs.example.com/releases/2026/q4/sync-engine/performance-tuning-guide-with-a-very-long-path-that-must-wrap",
].join("\n");

async function expectNoHorizontalScroll(page: Page, width: number) {
  const widths = await page.evaluate(() => ({
    document: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
    scroller: document.querySelector('[data-testid="chat-scroller"]')?.scrollWidth ?? 0,
    messages: Math.max(
      0,
      ...[...document.querySelectorAll('[data-testid="message"]')].map((m) => m.getBoundingClientRect().right),
    ),
  }));
  expect(widths.document).toBeLessThanOrEqual(width);
  expect(widths.body).toBeLessThanOrEqual(width);
  expect(widths.scroller).toBeLessThanOrEqual(width);
  expect(widths.messages).toBeLessThanOrEqual(width);
}

function distanceFromBottom(chat: ChatPage) {
  return chat.scroller.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
}

test("scrolling follows the newest text until the reader scrolls up; then Jump to latest brings it back", async ({
  chat,
  sim,
  page,
}) => {
  await sim.script({ kind: "stream", text: "这是一行正在生成的回答内容。\n".repeat(120), chunkDelayMs: 12 });
  await chat.goto();
  await chat.ask("写很多行");
  const reply = chat.assistant();
  await expect.poll(async () => (await reply.innerText()).length, { timeout: 10_000 }).toBeGreaterThan(600);
  expect(await distanceFromBottom(chat)).toBeLessThan(64);
  await expect(chat.jumpToLatest).toHaveCount(0);

  await chat.scroller.hover();
  await page.mouse.wheel(0, -800);
  await expect(chat.jumpToLatest).toBeVisible();
  const top = await chat.scroller.evaluate((el) => el.scrollTop);
  await page.waitForTimeout(400);
  // Still streaming, yet the reader's position holds.
  await expect(reply).toHaveAttribute("data-status", "streaming");
  expect(await chat.scroller.evaluate((el) => el.scrollTop)).toBe(top);

  await chat.jumpToLatest.click();
  await expect(chat.jumpToLatest).toHaveCount(0);
  await expect.poll(() => distanceFromBottom(chat)).toBeLessThan(64);
  await expect(reply).toHaveAttribute("data-status", "done", { timeout: 20_000 });
  expect(await distanceFromBottom(chat)).toBeLessThan(64);
});

test("screenshots: empty chat, a long reply with a table, code and math, dark mode", async ({ chat, sim, page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await chat.goto();
  await saveScreenshot(page, "10-empty-chat");

  await sim.script({
    kind: "stream",
    reasoning: "整理各模块进度，给出表格、脚本和公式。",
    text: LONG_REPLY,
    chunkDelayMs: 2,
  });
  await chat.askAndWait("整理一下本季度的发布计划");
  await expect(chat.assistant()).toContainText("季度发布计划");
  await expectNoHorizontalScroll(page, page.viewportSize()!.width);
  await chat.assistant().hover();
  await saveScreenshot(page, "12-long-reply");

  await chat.setTheme("dark");
  await page.mouse.move(0, 0);
  await saveScreenshot(page, "13-dark-mode");
  await chat.openSettings();
  await saveScreenshot(page, "13b-dark-settings");
});

test.describe("on a phone (360×740)", () => {
  test.use({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });

  test("no horizontal scroll, the header fits, long URLs and code wrap or scroll inside", async ({
    chat,
    sim,
    page,
  }) => {
    await chat.goto();
    await expectNoHorizontalScroll(page, 360);
    for (const control of [
      chat.modelPicker,
      chat.settingsButton,
      chat.newChat,
      chat.shortcutsButton,
      chat.themeToggle,
    ]) {
      const box = await control.boundingBox();
      expect(box, "header control is on screen").not.toBeNull();
      expect(box!.x + box!.width).toBeLessThanOrEqual(360);
    }
    await saveScreenshot(page, "14a-phone-empty");

    await sim.script({ kind: "stream", reasoning: "先列出要点。", text: LONG_REPLY, chunkDelayMs: 2 });
    await chat.askAndWait(`请看这个链接 https://example.com/${"very-long-segment-".repeat(12)}end 并总结`);
    await expectNoHorizontalScroll(page, 360);
    await saveScreenshot(page, "14-phone-360");

    await chat.openSettings();
    await expectNoHorizontalScroll(page, 360);
    await saveScreenshot(page, "14b-phone-settings");
  });
});
