import { E2E, expect, saveScreenshot, test } from "./fixtures";

test("without a key the app runs in demo mode against its built-in simulator and says so", async ({ chat, page }) => {
  await chat.goto(`http://127.0.0.1:${E2E.demoPort}/`);
  await expect(chat.demoBanner).toBeVisible();
  await expect(chat.demoBanner).toContainText("演示模式");
  await chat.ask("用中文写一份产品发布公告。");
  await expect(chat.assistant()).toHaveAttribute("data-status", "done", { timeout: 45_000 });
  expect((await chat.assistant().innerText()).length).toBeGreaterThan(50);
  await saveScreenshot(page, "06-demo-mode");
});

test("with a key there is no demo banner", async ({ chat }) => {
  await chat.goto();
  await expect(chat.demoBanner).toHaveCount(0);
});
