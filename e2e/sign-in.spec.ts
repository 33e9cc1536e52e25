import type { Browser } from "@playwright/test";
import { E2E, expect, saveScreenshot, test, uniqueClientIp } from "./fixtures";
import { ChatPage } from "./pages/chat-page";
import { SignInPage } from "./pages/sign-in-page";

// Signing in through the form: where the signed-out land, what a wrong password says, the rate limit.

/** A browser with no session, from an address of its own (the sign-in limit counts per address). */
async function anonymous(browser: Browser, baseURL: string) {
  const context = await browser.newContext({
    baseURL,
    storageState: { cookies: [], origins: [] },
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    extraHTTPHeaders: { "x-forwarded-for": uniqueClientIp() },
  });
  return { context, page: await context.newPage() };
}

test("the signed-out are sent to the sign-in page and come back where they were going", async ({
  browser,
  baseURL,
  account,
}) => {
  const { context, page } = await anonymous(browser, baseURL!);
  await page.goto("/new");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fnew$/);
  const signIn = new SignInPage(page);
  await expect(signIn.submit).toHaveText("登录");
  await expect(page.getByText("创建管理员账号")).toHaveCount(0);
  await saveScreenshot(page, "20-sign-in");
  await signIn.signIn(account.email, account.password);
  await expect(page).toHaveURL(/\/new\?id=[0-9a-f-]{36}$/);
  await expect(new ChatPage(page).input).toBeEditable();
  await page.goto("/");
  await expect(page).toHaveURL(/\/new\?id=[0-9a-f-]{36}$/);
  // Signed in, the sign-in page itself sends you on.
  await page.goto("/sign-in");
  await expect(page).not.toHaveURL(/sign-in/);
  await context.close();
});

test("a wrong password says so; after the limit even the right one waits", async ({ browser, baseURL, account }) => {
  const { context, page } = await anonymous(browser, baseURL!);
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(account.email, "not-the-password");
  await expect(signIn.error).toHaveText("邮箱或密码不正确。");
  await expect(signIn.error).toHaveAttribute("data-reason", "invalid");
  await expect(page).toHaveURL(/\/sign-in$/);

  // AUTH_SIGN_IN_PER_MINUTE attempts per address; the next one is refused whatever it carries.
  for (let attempt = 2; attempt <= E2E.signInPerMinute; attempt++) {
    await signIn.signIn(account.email, `wrong-${attempt}`);
    await expect(signIn.error).toHaveAttribute("data-reason", "invalid");
    await expect(signIn.submit).toBeEnabled();
  }
  await signIn.signIn(account.email, account.password);
  await expect(signIn.error).toHaveText("尝试次数过多，请一分钟后再试。");
  await expect(page).toHaveURL(/\/sign-in$/);
  await context.close();
});

test("a disabled account cannot sign in", async ({ browser, baseURL, admin, account }) => {
  const banned = await admin.post("/api/auth/admin/ban-user", { data: { userId: account.id } });
  expect(banned.status()).toBe(200);
  const { context, page } = await anonymous(browser, baseURL!);
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(account.email, account.password);
  await expect(signIn.error).toHaveAttribute("data-reason", "banned");
  await context.close();
});
