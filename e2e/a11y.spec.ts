import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

// axe on each main screen state: no serious or critical violations (WCAG 2.1 A/AA rules).

async function expectAccessible(page: Page, state: string) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      targets: violation.nodes.slice(0, 5).map((node) => node.target.join(" ")),
      summary: violation.nodes[0]?.failureSummary,
    }));
  expect(serious, `axe violations in "${state}"`).toEqual([]);
  // The scan really ran over the page (color contrast, names, ARIA…).
  expect(results.passes.length, `axe rules that passed in "${state}"`).toBeGreaterThan(10);
}

test("empty, conversation, settings dialog and dark mode pass axe", async ({ chat, sim, page }) => {
  await chat.goto();
  await expectAccessible(page, "empty");

  await sim.script(
    { kind: "stream", reasoning: "想一想。", text: "第一段回答，包含一个链接 https://example.com/docs 。" },
    { kind: "stream", text: "被截断的回答", finishReason: "length" },
  );
  await chat.askAndWait("你好");
  await chat.askAndWait("继续");
  await chat.assistant(0).hover();
  await expectAccessible(page, "with messages");

  await chat.openSettings();
  await expectAccessible(page, "settings dialog open");
  await chat.closeSettings();

  await chat.shortcutsButton.click();
  await expect(chat.shortcutsDialog).toBeVisible();
  await expectAccessible(page, "shortcuts dialog open");
  await page.keyboard.press("Escape");

  await chat.modelPicker.click();
  await expect(chat.modelPopover).toBeVisible();
  await expectAccessible(page, "model picker open");
  await page.keyboard.press("Escape");

  await chat.setTheme("dark");
  await expectAccessible(page, "dark, with messages");
  await chat.newChat.click();
  await expect(chat.messages).toHaveCount(0);
  await expectAccessible(page, "dark, empty");
  await chat.openSettings();
  await expectAccessible(page, "dark, settings dialog open");
});

test("dialogs trap focus, close on Esc and give focus back", async ({ chat, page }) => {
  await chat.goto();
  await chat.settingsButton.focus();
  await page.keyboard.press("Enter");
  await expect(chat.settingsDialog).toBeVisible();
  await expect(chat.settingsDialog.getByTestId("settings-system")).toBeFocused();
  // Tabbing through every control never leaves the dialog.
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Tab");
    const inside = await page.evaluate(() => document.activeElement?.closest("dialog") !== null);
    expect(inside).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(chat.settingsDialog).toBeHidden();
  await expect(chat.settingsButton).toBeFocused();
});
