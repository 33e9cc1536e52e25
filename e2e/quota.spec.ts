import { expect, test } from "./fixtures";

// Over the daily token limit the admin set (through the admin API here; admin.spec.ts covers the
// screen's limit form), the person sees how much was used and when it resets, and the gateway is not called.

test("over the daily limit, a question is refused with the usage and the reset time, and the gateway is not called", async ({
  chat,
  sim,
  page,
  admin,
  account,
}) => {
  await sim.script({ kind: "stream", text: "第一次回答。", usage: { prompt_tokens: 300, completion_tokens: 50 } });
  await chat.goto();
  await chat.askAndWait("第一个问题");

  const limited = await admin.patch(`/api/admin/users/${account.id}`, { data: { tokensPerDay: 100 } });
  expect(limited.status()).toBe(200);

  const calls = (await sim.chatRequests()).length;
  await chat.ask("第二个问题");
  await expect(chat.errorNotice).toHaveAttribute("data-code", "quota_tokens_exceeded");
  await expect(chat.errorNotice).toContainText("今日额度已用完");
  await expect(chat.errorNotice).toContainText("上限 100 tokens");
  await expect(chat.errorNotice).toContainText("00:00（北京时间）");
  expect((await sim.chatRequests()).length).toBe(calls);

  await page.goto("/usage");
  await expect(page.getByTestId("usage-used")).not.toHaveText("0");
  await expect(page.getByTestId("usage-today")).toContainText("100");
});
