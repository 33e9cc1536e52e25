import { expect, saveScreenshot, test } from "./fixtures";

test("思考过程: open with a ticking timer while thinking, folds when the answer starts, reopens", async ({
  chat,
  sim,
  page,
}) => {
  await sim.script({
    kind: "stream",
    chunks: [
      { reasoning: "首先，确认上线需要满足的条件：", delayMs: 100 },
      { reasoning: "测试全部通过，回滚方案已经准备好。", delayMs: 1500 },
      { reasoning: "然后检查监控和告警。", delayMs: 1500 },
      { content: "结论：", delayMs: 300 },
      { content: "可以按计划上线。", delayMs: 300 },
    ],
  });
  await chat.goto();
  await chat.ask("新版本可以上线吗？");

  const reasoning = chat.reasoning();
  const label = reasoning.getByTestId("reasoning-label");
  await expect(reasoning).toHaveAttribute("data-state", "streaming");
  await expect(reasoning).toHaveAttribute("data-open", "true");
  await expect(reasoning.getByTestId("reasoning-toggle")).toHaveAttribute("aria-expanded", "true");
  await expect(label).toHaveText(/^思考中… 1 秒$/);
  await expect(reasoning).toContainText("确认上线需要满足的条件");
  await saveScreenshot(page, "11-streaming-reasoning");
  await expect(label).toHaveText(/^思考中… 2 秒$/);

  // The answer begins: the panel folds by itself.
  await expect(reasoning).toHaveAttribute("data-state", "done");
  await expect(reasoning).toHaveAttribute("data-open", "false");
  await expect(chat.assistant()).toContainText("结论");
  await expect(chat.assistant()).toHaveAttribute("data-status", "done");
  // The thinking lasted at least the 3.1 s of scripted delays; a loaded machine may add to it.
  await expect(label).toHaveText(/^已思考 \d+ 秒$/);
  expect(Number((await label.innerText()).match(/\d+/)?.[0])).toBeGreaterThanOrEqual(3);
  await expect(reasoning.getByText("然后检查监控和告警。")).toBeHidden();

  await reasoning.getByTestId("reasoning-toggle").click();
  await expect(reasoning).toHaveAttribute("data-open", "true");
  await expect(reasoning.getByText("然后检查监控和告警。")).toBeVisible();
});

test("the thinking switch sends settings.thinking, and is hidden for models that cannot think", async ({
  chat,
  sim,
}) => {
  await sim.script({ kind: "stream", text: "一" }, { kind: "stream", text: "二" }, { kind: "stream", text: "三" });
  await chat.goto();
  await expect(chat.thinkingToggle).toHaveAttribute("aria-pressed", "true");
  await chat.askAndWait("第一问");
  await chat.thinkingToggle.click();
  await expect(chat.thinkingToggle).toHaveAttribute("aria-pressed", "false");
  await chat.askAndWait("第二问");
  const [first, second] = await sim.chatRequests();
  expect(first?.body).toMatchObject({ thinking: { type: "enabled" } });
  expect(second?.body).toMatchObject({ thinking: { type: "disabled" } });

  // The settings dialog shows the same switch.
  await chat.openSettings();
  await expect(chat.settingsDialog.getByTestId("settings-thinking")).toHaveAttribute("aria-checked", "false");
  await chat.closeSettings();

  await chat.pickModel("kimi-k2-6");
  await expect(chat.thinkingToggle).toHaveCount(0);
  await chat.openSettings();
  await expect(chat.settingsDialog.getByTestId("settings-thinking")).toHaveCount(0);
  await chat.closeSettings();
  await chat.askAndWait("第三问");
  const third = (await sim.chatRequests()).at(-1);
  expect(third?.body).toMatchObject({ model: "kimi-k2-6" });
  expect(third?.body).not.toHaveProperty("thinking");
});
