import { request as playwrightRequest } from "@playwright/test";
import { adminBrowser, expect, saveScreenshot, test, uniqueClientIp } from "./fixtures";

// The admin screen: the gateway key's credit and rate bucket, staff accounts (create, disable,
// enable, reset password, limits), usage per person per day. Staff cannot open it.

/** Signs in through the API from an address of its own; the status tells whether it worked. */
async function signInStatus(baseURL: string, email: string, password: string) {
  const request = await playwrightRequest.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const res = await request.post("/api/auth/sign-in/email", {
    data: { email, password },
    headers: { origin: baseURL, "x-forwarded-for": uniqueClientIp() },
  });
  await request.dispose();
  return res.status();
}

test("the admin creates, disables, enables and resets staff, and sees usage and the gateway's credit", async ({
  chat,
  sim,
  page,
  browser,
  baseURL,
  account,
}) => {
  // Some usage to report, and a gateway call whose headers carry the key's credit and bucket.
  await sim.script({ kind: "stream", text: "好的。", usage: { prompt_tokens: 120, completion_tokens: 30 } });
  await chat.goto();
  await chat.askAndWait("统计一下");

  const { context, admin } = await adminBrowser(browser, baseURL!);
  await admin.goto();
  await expect(admin.credits).toHaveText(/^\$\d+\.\d\d$/);
  await expect(admin.rate).toContainText("剩余 $");
  const mine = admin.usageRows.filter({ hasText: account.email });
  await expect(mine).toHaveCount(1);
  // The reply's 150 tokens, and the title request's.
  const total = Number((await mine.locator("td").last().innerText()).replace(/,/g, ""));
  expect(total).toBeGreaterThanOrEqual(150);
  await saveScreenshot(admin.page, "23-admin");

  const email = `new-${Date.now().toString(36)}@e2e.example.com`;
  await admin.createUser(email, "first-password-1");
  await expect(admin.row(email).getByTestId("user-status")).toHaveText("正常");
  expect(await signInStatus(baseURL!, email, "first-password-1")).toBe(200);

  await admin.row(email).getByTestId("toggle-banned").click();
  await expect(admin.row(email).getByTestId("user-status")).toHaveText("已停用");
  expect(await signInStatus(baseURL!, email, "first-password-1")).toBe(403);
  await admin.row(email).getByTestId("toggle-banned").click();
  await expect(admin.row(email).getByTestId("user-status")).toHaveText("正常");

  await admin.setTokenLimit(email, "5000");
  await expect(admin.row(email).getByTestId("limit-tokens")).toHaveValue("5000");
  await admin.resetPassword(email, "second-password-2");
  expect(await signInStatus(baseURL!, email, "first-password-1")).toBe(401);
  expect(await signInStatus(baseURL!, email, "second-password-2")).toBe(200);

  // Staff are sent back to their chats.
  await page.goto("/admin");
  await expect(page).not.toHaveURL(/\/admin/);
  expect((await page.request.get("/api/admin/users")).status()).toBe(403);
  await context.close();
});
