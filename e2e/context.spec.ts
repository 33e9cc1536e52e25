import { expect, saveScreenshot, test } from "./fixtures";

// glm-5-1 has a 131072-token context window (128K).

test("the context meter warns at 80% and refuses at 100% without a request, with ways out", async ({
  chat,
  sim,
  page,
}) => {
  await sim.script(
    { kind: "stream", text: "第一答", usage: { prompt_tokens: 50_000, completion_tokens: 1_000 } },
    { kind: "stream", text: "第二答", usage: { prompt_tokens: 110_000, completion_tokens: 2_000 } },
    { kind: "stream", text: "第三答", usage: { prompt_tokens: 128_000, completion_tokens: 4_000 } },
    { kind: "stream", text: "删去旧对话之后的回答" },
  );
  await chat.goto();
  await expect(chat.contextMeter).toHaveAttribute("data-percent", "0");

  // Before any usage the meter estimates: 30,000 CJK characters ≈ 20,000 tokens ≈ 15% of 128K.
  await chat.input.fill("中".repeat(30_000));
  await expect(chat.contextMeter).toHaveAttribute("data-percent", "15");
  await chat.input.fill("");

  await chat.askAndWait("第一问");
  await expect(chat.contextMeter).toHaveAttribute("data-level", "ok");
  await expect(chat.contextMeter).toHaveAttribute("data-percent", "39");

  await chat.askAndWait("第二问");
  await expect(chat.contextMeter).toHaveAttribute("data-level", "warning");
  await expect(chat.contextWarning).toBeVisible();

  await chat.askAndWait("第三问");
  await expect(chat.contextMeter).toHaveAttribute("data-level", "full");
  await expect(chat.contextLimit).toBeVisible();
  await expect(chat.contextLimit).toContainText("128K");
  await chat.ask("第四问");
  await expect(chat.send).toBeDisabled();
  await expect(chat.input).toHaveValue("第四问");
  await saveScreenshot(page, "17-context-limit");
  expect(await sim.chatRequests()).toHaveLength(3);

  // Drop the oldest turns until the conversation is under 80% again, then send.
  await chat.contextLimit.getByTestId("drop-oldest").click();
  await expect(chat.contextLimit).toHaveCount(0);
  await expect(chat.contextMeter).toHaveAttribute("data-level", "ok");
  const remaining = await chat.messages.count();
  expect(remaining).toBeLessThan(6);
  expect(remaining % 2).toBe(0);
  await chat.send.click();
  await expect(chat.assistant()).toContainText("删去旧对话之后的回答");
  const last = (await sim.chatRequests()).at(-1)?.body as { messages: Array<{ content: string }> };
  expect(last.messages.length).toBe(remaining + 1);
  expect(last.messages.map((m) => m.content)).not.toContain("第一问");
});

test("a draft that alone overflows the context is refused; New chat is offered", async ({ chat, sim }) => {
  await chat.goto();
  await chat.input.fill("长".repeat(200_000));
  await expect(chat.contextLimit).toBeVisible();
  await expect(chat.contextLimit.getByTestId("drop-oldest")).toHaveCount(0);
  await expect(chat.send).toBeDisabled();
  await chat.input.press("Enter");
  await expect(chat.messages).toHaveCount(0);
  expect(await sim.chatRequests()).toHaveLength(0);
  await chat.input.fill("短一点");
  await expect(chat.contextLimit).toHaveCount(0);
  await expect(chat.send).toBeEnabled();
});
