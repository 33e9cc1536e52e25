import { expect, saveScreenshot, test } from "./fixtures";

test("the model picker lists the catalog with capability badges", async ({ chat, sim, page }) => {
  await sim.script({ kind: "stream", text: "好的" });
  await chat.goto();
  await expect(chat.modelPicker).toHaveText("glm-5-1");
  await chat.modelPicker.click();
  await expect(chat.modelPopover).toBeVisible();
  const glm = chat.modelPopover.locator('[data-model="glm-5-1"]');
  for (const badge of ["图片理解", "工具调用", "深度思考", "上下文 128K", "最长输出 16K"]) {
    await expect(glm.getByTestId("model-badges")).toContainText(badge);
  }
  const kimi = chat.modelPopover.locator('[data-model="kimi-k2-6"]');
  await expect(kimi.getByTestId("context-badge")).toHaveText("上下文 256K");
  await expect(kimi).not.toContainText("深度思考");
  // The chosen model has focus; arrow keys move the choice, Enter closes the list.
  await expect(glm.locator("input")).toBeFocused();
  await saveScreenshot(page, "16-model-picker");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await expect(chat.modelPopover).toBeHidden();
  await expect(chat.modelPicker).toHaveText("glm-5");

  await chat.pickModel("deepseek-v4-pro");
  await chat.askAndWait("你好");
  expect((await sim.chatRequests())[0]?.body).toMatchObject({ model: "deepseek-v4-pro" });
});

test("per-chat settings reach the gateway; max output is clamped when switching models", async ({
  chat,
  sim,
  page,
}) => {
  await sim.script({ kind: "stream", text: "一" }, { kind: "stream", text: "二" });
  await chat.goto();
  await chat.openSettings();
  const dialog = chat.settingsDialog;
  // Config defaults: thinking on, temperature and max output left to the model.
  await expect(dialog.getByTestId("settings-thinking")).toHaveAttribute("aria-checked", "true");
  await expect(dialog.getByTestId("settings-temperature-value")).toHaveText("模型默认");
  await expect(dialog.getByTestId("settings-max-tokens")).toHaveValue("");
  await expect(dialog).toContainText("上下文 128K");

  await dialog.getByTestId("settings-system").fill("你是严谨的助手。");
  await dialog.getByTestId("settings-temperature").fill("0.3");
  await expect(dialog.getByTestId("settings-temperature-value")).toHaveText("0.3");
  await dialog.getByTestId("settings-max-tokens").fill("99999");
  await expect(dialog.getByTestId("settings-max-tokens")).toHaveValue("16384");
  await dialog.getByTestId("settings-max-tokens").fill("12000");
  await saveScreenshot(page, "15-settings-dialog");
  await chat.closeSettings();

  await chat.askAndWait("第一问");
  const first = (await sim.chatRequests())[0]?.body as Record<string, unknown>;
  expect(first).toMatchObject({ temperature: 0.3, max_tokens: 12000, thinking: { type: "enabled" } });
  expect((first.messages as unknown[])[0]).toEqual({ role: "system", content: "你是严谨的助手。" });

  // glm-5 allows 8192 output tokens: the chosen 12000 is clamped.
  await chat.pickModel("glm-5");
  await chat.openSettings();
  await expect(chat.settingsDialog.getByTestId("settings-max-tokens")).toHaveValue("8192");
  await chat.closeSettings();
  await chat.askAndWait("第二问");
  expect((await sim.chatRequests())[1]?.body).toMatchObject({ model: "glm-5", max_tokens: 8192 });

  await chat.openSettings();
  await chat.settingsDialog.getByTestId("settings-reset").click();
  await expect(chat.settingsDialog.getByTestId("settings-system")).toHaveValue("");
  await expect(chat.settingsDialog.getByTestId("settings-max-tokens")).toHaveValue("");
});

test("New chat starts a fresh chat: new id, no messages, default settings", async ({ chat, sim, page }) => {
  await sim.script({ kind: "stream", text: "一" }, { kind: "stream", text: "二" }, { kind: "stream", text: "三" });
  await chat.goto();
  await chat.openSettings();
  await chat.settingsDialog.getByTestId("settings-system").fill("只用英文回答。");
  await chat.closeSettings();
  const ids: string[] = [];
  page.on("request", (request) => {
    if (request.url().endsWith("/api/chat") && request.method() === "POST") {
      ids.push((request.postDataJSON() as { id: string }).id);
    }
  });
  await chat.askAndWait("第一问");
  await chat.newChat.click();
  await expect(chat.messages).toHaveCount(0);
  await expect(chat.input).toBeFocused();
  await chat.askAndWait("第二问");
  // Ctrl+Shift+O does the same from the keyboard.
  await page.keyboard.press("Control+Shift+O");
  await expect(chat.messages).toHaveCount(0);
  await chat.askAndWait("第三问");

  expect(new Set(ids).size).toBe(3);
  const requests = await sim.chatRequests();
  expect((requests[0]?.body as { messages: unknown[] }).messages).toHaveLength(2);
  // The new chat starts from the defaults: no system prompt, just the one question.
  expect((requests[1]?.body as { messages: unknown[] }).messages).toEqual([{ role: "user", content: "第二问" }]);
});

test("keyboard shortcuts: Ctrl+/ lists them, Esc closes the list, Esc stops a reply", async ({ chat, sim, page }) => {
  await sim.script({ kind: "stream", text: "很长的回答。".repeat(80), chunkDelayMs: 40 });
  await chat.goto();
  await page.keyboard.press("Control+/");
  await expect(chat.shortcutsDialog).toBeVisible();
  for (const key of ["Enter", "Shift", "Esc", "Ctrl", "O", "/"]) {
    await expect(
      chat.shortcutsDialog.locator("kbd", { hasText: new RegExp(`^${key.replace("/", "\\/")}$`) }).first(),
    ).toBeVisible();
  }
  await page.keyboard.press("Escape");
  await expect(chat.shortcutsDialog).toBeHidden();

  await chat.shortcutsButton.click();
  await expect(chat.shortcutsDialog).toBeVisible();
  await chat.shortcutsDialog.getByRole("button", { name: "关闭" }).click();
  await expect(chat.shortcutsDialog).toBeHidden();

  await chat.ask("写一篇长文");
  await expect(chat.assistant()).toContainText("很长的回答");
  // Focus outside the composer: Esc still stops.
  await chat.assistant().click();
  await page.keyboard.press("Escape");
  await expect(chat.send).toBeVisible();
  await expect(chat.assistant()).toHaveAttribute("data-status", "interrupted");
});

test("theme: system by default, toggled in the header, remembered, applied before first paint", async ({
  chat,
  page,
}) => {
  await page.emulateMedia({ colorScheme: "light" });
  await chat.goto();
  await expect(chat.themeToggle).toHaveAttribute("data-theme", "system");
  await expect(page.locator("html")).not.toHaveClass(/dark/);
  await page.emulateMedia({ colorScheme: "dark" });
  await expect(page.locator("html")).toHaveClass(/dark/);
  await page.emulateMedia({ colorScheme: "light" });

  await chat.setTheme("dark");
  await expect(page.locator("html")).toHaveClass(/dark/);
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);

  // On reload the class is there before <body> exists, so nothing is ever painted light.
  await page.addInitScript(() => {
    const observer = new MutationObserver(() => {
      if (!document.body) return;
      (window as unknown as { darkBeforeBody: boolean }).darkBeforeBody =
        document.documentElement.classList.contains("dark");
      observer.disconnect();
    });
    observer.observe(document, { childList: true, subtree: true });
  });
  await page.reload();
  expect(await page.evaluate(() => (window as unknown as { darkBeforeBody: boolean }).darkBeforeBody)).toBe(true);
  await expect(chat.themeToggle).toHaveAttribute("data-theme", "dark");
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(background);

  await chat.setTheme("light");
  await page.emulateMedia({ colorScheme: "dark" });
  await expect(page.locator("html")).not.toHaveClass(/dark/);
});
