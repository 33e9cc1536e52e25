import { expect, saveScreenshot, test, uniqueClientIp } from "./fixtures";
import { ChatPage } from "./pages/chat-page";
import { SignInPage } from "./pages/sign-in-page";

// Single sign-on end to end: the main instance is configured (OIDC_*) for a real OpenID Connect
// provider on loopback (e2e/servers/oidc.mjs). The authorization-code flow with PKCE runs in the
// browser; the account is created on first sign-in, as staff.

test("signing in through the company's identity provider creates a staff account", async ({ browser, baseURL }) => {
  const context = await browser.newContext({
    baseURL,
    storageState: { cookies: [], origins: [] },
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    extraHTTPHeaders: { "x-forwarded-for": uniqueClientIp() },
  });
  const page = await context.newPage();
  const signIn = new SignInPage(page);
  await signIn.goto();
  await expect(signIn.sso).toHaveText("使用 公司统一身份 登录");
  await saveScreenshot(page, "20b-sign-in-sso");
  await signIn.sso.click();

  // The provider's own (development) login and consent pages.
  const login = `sso-${Date.now().toString(36)}`;
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any-password");
  await page.locator('button[type="submit"]').click();
  await page.locator('button[type="submit"]').click();

  await expect(page).toHaveURL(new RegExp(`^${baseURL}/(new|c/)`));
  await expect(new ChatPage(page).input).toBeEditable();
  await expect(page.getByTestId("user-email")).toHaveText(`${login}@sso.example.com`);
  const session = (await (await page.request.get("/api/auth/get-session")).json()) as {
    user: { email: string; role: string; name: string };
  };
  expect(session.user).toMatchObject({ email: `${login}@sso.example.com`, role: "user", name: `SSO ${login}` });
  // Staff, not admin.
  await page.goto("/admin");
  await expect(page).not.toHaveURL(/\/admin/);
  await context.close();
});
