import AxeBuilder from "@axe-core/playwright";
import { E2E, expect, saveScreenshot, test } from "./fixtures";

// Tool calls in chat: the model calls two tools at once, the server runs them and feeds both
// results back, and the reply shows each call as a card beside the other.

const CALLS = [
  {
    id: "call_time_1",
    type: "function" as const,
    function: { name: "current_time", arguments: JSON.stringify({ timezone: "Asia/Shanghai" }) },
  },
  {
    id: "call_calc_2",
    type: "function" as const,
    function: { name: "calculate", arguments: JSON.stringify({ expression: "(1200-200)*15%" }) },
  },
];

test("two parallel tool calls run on the server, show as cards, and the model answers from both", async ({
  chat,
  sim,
  page,
}) => {
  await sim.script(
    { kind: "stream", reasoning: "需要当前时间和一个计算结果。", chunks: [{ toolCalls: CALLS }] },
    { kind: "stream", text: "现在是北京时间，(1200-200)×15% 的结果是 **150**。", chunkDelayMs: 20 },
  );
  await chat.goto();
  await chat.askAndWait("现在几点？顺便算一下 (1200-200)*15%");

  const reply = chat.assistant();
  const group = reply.getByTestId("tool-calls");
  await expect(group).toHaveCount(1);
  const cards = group.getByTestId("tool-card");
  await expect(cards).toHaveCount(2);
  await expect(cards.nth(0)).toHaveAttribute("data-tool", "current_time");
  await expect(cards.nth(1)).toHaveAttribute("data-tool", "calculate");
  await expect(cards.nth(1).getByTestId("tool-output")).toHaveText("= 150");
  await expect(cards.nth(0).getByTestId("tool-output")).toContainText("Asia/Shanghai");
  await expect(cards.nth(0).getByTestId("tool-duration")).toContainText("毫秒");
  // Side by side: both cards on one row.
  const [a, b] = await Promise.all([cards.nth(0).boundingBox(), cards.nth(1).boundingBox()]);
  expect(Math.abs(a!.y - b!.y)).toBeLessThan(2);
  await expect(reply).toContainText("结果是 150");
  await saveScreenshot(page, "44-tool-cards");

  const [first, second] = await sim.chatRequests();
  const offered = (first!.body as { tools: Array<{ function: { name: string } }> }).tools.map((t) => t.function.name);
  expect(offered).toEqual(["current_time", "calculate", "count_characters"]);
  const messages = (second!.body as { messages: Array<Record<string, unknown>> }).messages;
  expect(messages.at(-3)).toMatchObject({
    role: "assistant",
    tool_calls: [{ id: "call_time_1" }, { id: "call_calc_2" }],
  });
  expect(messages.at(-2)).toMatchObject({ role: "tool", tool_call_id: "call_time_1" });
  expect(JSON.parse(String(messages.at(-2)!.content))).toMatchObject({ timeZone: "Asia/Shanghai" });
  expect(messages.at(-1)).toEqual({
    role: "tool",
    tool_call_id: "call_calc_2",
    content: JSON.stringify({ expression: "(1200-200)*15%", result: 150 }),
  });

  // Stored with the reply: the cards come back after a reload.
  await page.reload();
  await expect(chat.assistant().getByTestId("tool-card")).toHaveCount(2);
  await expect(chat.assistant().getByTestId("tool-output").nth(1)).toHaveText("= 150");
});

test("a failing tool shows its error and the model still explains", async ({ chat, sim }) => {
  await sim.script(
    {
      kind: "stream",
      chunks: [
        {
          toolCalls: [
            { id: "bad", type: "function", function: { name: "calculate", arguments: '{"expression":"1/0"}' } },
          ],
        },
      ],
    },
    { kind: "stream", text: "除数不能为零，这个算式没有结果。" },
  );
  await chat.goto();
  await chat.askAndWait("1/0 等于多少？");
  const card = chat.assistant().getByTestId("tool-card");
  await expect(card).toHaveAttribute("data-state", "error");
  await expect(card.getByTestId("tool-error")).toContainText("除数不能为零");
  await expect(chat.assistant()).toContainText("这个算式没有结果");
  // The error card keeps its contrast, in light and dark.
  for (const dark of [false, true]) {
    if (dark) {
      await chat.page.evaluate(() => document.documentElement.classList.add("dark"));
      await chat.page.waitForTimeout(500);
    }
    const results = await new AxeBuilder({ page: chat.page }).include('[data-testid="tool-calls"]').analyze();
    expect(results.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
  }
  const [, second] = await sim.chatRequests();
  const last = (second!.body as { messages: Array<{ role: string; content: string }> }).messages.at(-1);
  expect(last).toEqual({ role: "tool", tool_call_id: "bad", content: JSON.stringify({ error: "除数不能为零" }) });
});

test("tools can be switched off per chat: the next request offers none", async ({ chat, sim }) => {
  await sim.script({ kind: "stream", text: "好的。" }, { kind: "stream", text: "好的。" });
  await chat.goto();
  await chat.askAndWait("你好");
  await chat.openSettings();
  const toggle = chat.settingsDialog.getByTestId("settings-tools");
  await expect(toggle).toHaveAttribute("aria-checked", "true");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await chat.closeSettings();
  await chat.askAndWait("再说一次");
  const [first, second] = await sim.chatRequests();
  expect(first!.body).toHaveProperty("tools");
  expect(second!.body).not.toHaveProperty("tools");
});

test("demo mode: a question about time and arithmetic makes real tool calls", async ({ chat, page }) => {
  await chat.goto(`http://127.0.0.1:${E2E.demoPort}/`);
  await chat.ask("现在几点？再帮我算一下 (3+4)*6");
  await expect(chat.assistant()).toHaveAttribute("data-status", "done", { timeout: 45_000 });
  const cards = chat.assistant().getByTestId("tool-card");
  await expect(cards).toHaveCount(2);
  await expect(cards.nth(1).getByTestId("tool-output")).toHaveText("= 42");
  await expect(chat.assistant()).toContainText("= 42");
  await saveScreenshot(page, "45-demo-tool-cards");
});
