import type { APIResponse, BrowserContext, Page } from "@playwright/test";
import { request as playwrightRequest } from "@playwright/test";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { VALID_ANNOUNCEMENT } from "@/lib/announcements/fixtures";
import { adminBrowser, adminRequest, E2E, expect, test, uniqueClientIp } from "./fixtures";
import { AnnouncementsPage } from "./pages/announcements-page";
import { Attachments } from "./pages/attachments";
import { ChatPage } from "./pages/chat-page";
import { SignInPage } from "./pages/sign-in-page";
import { appRoutes, fill, type AppRoute } from "./routes";

// Security headers on every page, API route, static asset and error response of the production
// server, and a Content-Security-Policy strict enough to matter (a per-request nonce, no
// 'unsafe-eval', no framing) that still lets every screen work: no violation while chatting with
// code, math and images, signing in (password and single sign-on), the admin screen, the studio
// with its .docx download, the usage page and demo mode.

const STATIC_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
};

function directives(csp: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of csp.split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), values);
  }
  return map;
}

function expectStaticHeaders(res: APIResponse, what: string): void {
  const headers = res.headers();
  for (const [name, value] of Object.entries(STATIC_HEADERS)) expect(headers[name], `${name} on ${what}`).toBe(value);
  const permissions = headers["permissions-policy"] ?? "";
  for (const feature of ["camera", "microphone", "geolocation"]) {
    expect(permissions, `permissions-policy on ${what}`).toContain(`${feature}=()`);
  }
}

/** The page policy: a nonce, 'strict-dynamic', no 'unsafe-eval' or 'unsafe-inline' for scripts, no framing. */
function expectPageCsp(res: APIResponse, what: string): string {
  const csp = res.headers()["content-security-policy"] ?? "";
  const d = directives(csp);
  const script = d.get("script-src") ?? [];
  const nonce = /^'nonce-([A-Za-z0-9+/=]+)'$/.exec(script.find((s) => s.startsWith("'nonce-")) ?? "")?.[1];
  expect(nonce, `a nonce in the CSP of ${what}: ${csp}`).toBeTruthy();
  expect(script, what).toContain("'strict-dynamic'");
  expect(csp, what).not.toContain("'unsafe-eval'");
  expect(script, what).not.toContain("'unsafe-inline'");
  expect(d.get("frame-ancestors"), what).toEqual(["'none'"]);
  expect(d.get("object-src"), what).toEqual(["'none'"]);
  expect(d.get("base-uri"), what).toEqual(["'self'"]);
  expect(d.get("form-action"), what).toEqual(["'self'"]);
  expect(d.get("default-src"), what).toEqual(["'self'"]);
  return nonce!;
}

/** API responses run nothing: their policy forbids everything. */
function expectApiCsp(res: APIResponse, what: string): void {
  const d = directives(res.headers()["content-security-policy"] ?? "");
  expect(d.get("default-src"), `CSP of ${what}`).toEqual(["'none'"]);
  expect(d.get("frame-ancestors"), `CSP of ${what}`).toEqual(["'none'"]);
}

/** Every <script> in the HTML runs only by the response's nonce or, inline, by a hash the policy lists. */
function expectScriptsAllowed(html: string, csp: string, nonce: string, what: string): void {
  const allowedHashes = (directives(csp).get("script-src") ?? []).filter((s) => s.startsWith("'sha256-"));
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  expect(scripts.length, `scripts in ${what}`).toBeGreaterThan(0);
  for (const [tag, attrs = "", body = ""] of scripts) {
    if (new RegExp(`\\snonce="${nonce.replace(/[+/=]/g, "\\$&")}"`).test(attrs)) continue;
    const hash = `'sha256-${createHash("sha256").update(body).digest("base64")}'`;
    expect(
      allowedHashes,
      `a script in ${what} with neither the nonce nor an allowed hash: ${tag.slice(0, 120)}`,
    ).toContain(hash);
  }
}

const pageRoutes = appRoutes().filter((r) => r.kind === "page");
const apiRoutes = appRoutes().filter((r) => r.kind === "api");
const pagePath = (r: AppRoute) => fill(r.template, () => "no-such-id");

test("every page carries a fresh nonce CSP and the static headers; every script runs by nonce or hash", async ({
  baseURL,
}) => {
  expect(pageRoutes.length).toBeGreaterThan(4);
  const admin = await adminRequest(baseURL!);
  const anonymous = await playwrightRequest.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const nonces = new Set<string>();
  let pages = 0;
  for (const route of pageRoutes) {
    const path = pagePath(route);
    // Signed in (the admin may open every page): the page itself, its 404 for a made-up id, or
    // the redirect of "/" to the newest chat.
    const res = await admin.get(path, { maxRedirects: 0 });
    expect([200, 307, 404], `${path}: ${res.status()}`).toContain(res.status());
    expectStaticHeaders(res, path);
    if (res.status() !== 307) {
      const nonce = expectPageCsp(res, path);
      expectScriptsAllowed(await res.text(), res.headers()["content-security-policy"]!, nonce, path);
      nonces.add(nonce);
      pages++;
    }
    // Signed out: the redirect to the sign-in page (or the sign-in page itself).
    const out = await anonymous.get(path, { maxRedirects: 0 });
    expect([200, 307], `${path} signed out: ${out.status()}`).toContain(out.status());
    expectStaticHeaders(out, `${path} (signed out)`);
  }
  // A new nonce for every response.
  expect(pages).toBeGreaterThanOrEqual(4);
  expect(nonces.size).toBe(pages);

  // A page that does not exist: Next's 404, with the same policy.
  const missing = await admin.get("/no-such-page");
  expect(missing.status()).toBe(404);
  expectStaticHeaders(missing, "404 page");
  const nonce = expectPageCsp(missing, "404 page");
  expectScriptsAllowed(await missing.text(), missing.headers()["content-security-policy"]!, nonce, "404 page");
  await admin.dispose();
  await anonymous.dispose();
});

test("every API route answers with the static headers and a deny-all CSP: success, refusal and error alike", async ({
  baseURL,
}) => {
  expect(apiRoutes.length).toBeGreaterThan(8);
  const admin = await adminRequest(baseURL!);
  const anonymous = await playwrightRequest.newContext({
    baseURL,
    storageState: { cookies: [], origins: [] },
    extraHTTPHeaders: { origin: baseURL!, "x-forwarded-for": uniqueClientIp() },
  });
  const statuses = new Set<number>();
  for (const route of apiRoutes.filter((r) => !r.template.startsWith("/api/auth/"))) {
    const path = fill(route.template, () => "no-such-id");
    for (const method of route.methods) {
      // Signed out: the 401 of the first gate.
      const refused = await anonymous.fetch(path, { method, maxRedirects: 0 });
      expect(refused.status(), `${method} ${path} signed out`).toBe(401);
      expectStaticHeaders(refused, `${method} ${path} (401)`);
      expectApiCsp(refused, `${method} ${path} (401)`);
      // Signed in: a read, or a body the route refuses (400/404/422) — never a change.
      if (method === "GET" && /\/stream$/.test(path)) continue; // a live stream's replay is the resume spec's
      const res = await admin.fetch(path, { method, maxRedirects: 0, ...(method === "GET" ? {} : { data: "{" }) });
      statuses.add(res.status());
      expect(res.status(), `${method} ${path}`).toBeLessThan(500);
      expectStaticHeaders(res, `${method} ${path} (${res.status()})`);
      expectApiCsp(res, `${method} ${path} (${res.status()})`);
    }
  }
  // better-auth's own routes: a session read, and a refused sign-in.
  const session = await admin.get("/api/auth/get-session");
  expect(session.status()).toBe(200);
  expectStaticHeaders(session, "/api/auth/get-session");
  expectApiCsp(session, "/api/auth/get-session");
  const wrong = await anonymous.post("/api/auth/sign-in/email", {
    data: { email: E2E.adminEmail, password: "not-the-password" },
  });
  expect(wrong.status()).toBe(401);
  expectStaticHeaders(wrong, "refused sign-in");
  expectApiCsp(wrong, "refused sign-in");
  // An API path that does not exist.
  const missing = await admin.get("/api/no-such-route");
  expect(missing.status()).toBe(404);
  expectStaticHeaders(missing, "/api/no-such-route");
  // Successes and refusals were both seen.
  expect([...statuses].some((s) => s === 200)).toBe(true);
  expect([...statuses].some((s) => s >= 400)).toBe(true);
  await admin.dispose();
  await anonymous.dispose();
});

test("static assets carry the static headers and no policy of their own (workers load chunks under the page's)", async ({
  page,
}) => {
  const res = await page.request.get("/sign-in");
  const html = await res.text();
  const assets = [...html.matchAll(/(?:src|href)="(\/_next\/static\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  expect(assets.length).toBeGreaterThan(2);
  for (const asset of new Set(assets)) {
    const got = await page.request.get(asset);
    expect(got.status(), asset).toBe(200);
    expectStaticHeaders(got, asset);
    expect(got.headers()["content-security-policy"], asset).toBeUndefined();
    const missing = await page.request.get(asset.replace(/[^/]+$/, "no-such-chunk.js"));
    expect(missing.status()).toBe(404);
    expectStaticHeaders(missing, `missing ${asset}`);
  }
});

// ——— No violation while the app is used ———

interface Violation {
  origin: string;
  directive: string;
  blocked: string;
  sample: string;
}

declare global {
  interface Window {
    __cspViolations?: Violation[];
  }
}

/** Records every CSP violation of every document and worker in the context, and console reports of them. */
async function watchCsp(context: BrowserContext) {
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__cspViolations!.push({
        origin: location.origin,
        directive: e.violatedDirective,
        blocked: e.blockedURI,
        sample: e.sample,
      }),
    );
  });
  const reports: string[] = [];
  const listen = (text: string) => {
    if (/Content Security Policy|Refused to|EvalError/i.test(text)) reports.push(text);
  };
  const watchPage = (page: Page) => {
    page.on("console", (m) => listen(m.text()));
    page.on("pageerror", (e) => listen(String(e)));
    page.on("worker", (worker) => worker.on("console", (m) => listen(`[worker] ${m.text()}`)));
  };
  context.pages().forEach(watchPage);
  context.on("page", watchPage);
  return {
    /** Violations on our own pages (the identity provider's pages have their own policy). */
    async expectNone(page: Page, appOrigin: string) {
      const seen = (await page.evaluate(() => window.__cspViolations ?? [])).filter((v) => v.origin === appOrigin);
      expect(seen, `CSP violations on ${page.url()}`).toEqual([]);
      expect(reports.filter((r) => !r.includes(`127.0.0.1:${E2E.oidcPort}`))).toEqual([]);
    },
  };
}

/** A PNG on another origin, as an image in a reply would be. */
async function remoteImageServer(): Promise<{ server: Server; url: string }> {
  const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#3366cc" } })
    .png()
    .toBuffer();
  const server = createServer((_req, res) => res.writeHead(200, { "content-type": "image/png" }).end(png));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/chart.png` };
}

const REPLY = (imageUrl: string) =>
  [
    "代码如下：",
    "",
    "```ts",
    "const total: number = [1, 2, 3].reduce((a, b) => a + b, 0);",
    "```",
    "",
    "公式 $E = mc^2$，以及",
    "",
    "$$",
    "\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}",
    "$$",
    "",
    `![季度图表](${imageUrl})`,
  ].join("\n");

test("chatting with code, math, an attached image and a remote image breaks no policy", async ({
  page,
  context,
  sim,
  baseURL,
}) => {
  const csp = await watchCsp(context);
  const remote = await remoteImageServer();
  try {
    const chat = new ChatPage(page);
    await sim.script({ kind: "stream", reasoning: "想一想。", text: REPLY(remote.url) });
    await chat.goto();
    // An attached picture: prepared in the image worker, previewed from a blob: URL, uploaded.
    const attachments = new Attachments(page);
    const picture = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#cc6633" } })
      .png()
      .toBuffer();
    await attachments.pick({ name: "图.png", mimeType: "image/png", buffer: picture });
    await attachments.expectReady(1);
    await expect(attachments.items.locator("img")).toHaveJSProperty("complete", true);
    await chat.askAndWait("写段代码，带公式和图");
    await expect(chat.assistant()).toHaveAttribute("data-status", "done");

    // The sent image, served by /api/images, has loaded.
    const sent = attachments.sentImages.first().locator("img");
    await expect(sent).toBeVisible();
    await expect.poll(() => sent.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    // KaTeX rendered (its chunk and stylesheet loaded) and Shiki coloured the code (in its worker).
    const reply = chat.assistant();
    await expect(reply.locator(".katex").first()).toBeVisible();
    await expect(reply.locator(".katex-display")).toHaveCount(1);
    await expect(reply.locator('[data-slot="code-block"] span[style*="--shiki-light"]').first()).toBeAttached();
    // The remote image loads after the click, not before.
    await expect(reply.locator("img.markdown-image")).toHaveCount(0);
    await reply.locator('[data-slot="image-placeholder"]').click();
    const remoteImage = reply.locator("img.markdown-image");
    await expect.poll(() => remoteImage.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(40);

    // The theme script runs before paint on a reload (allowed by its hash).
    await chat.setTheme("dark");
    await page.reload();
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);
    await expect(reply.locator(".katex").first()).toBeVisible();
    await csp.expectNone(page, new URL(baseURL!).origin);

    // The usage page.
    await page.goto("/usage");
    await expect(page.getByTestId("usage-today")).toBeVisible();
    await csp.expectNone(page, new URL(baseURL!).origin);
  } finally {
    remote.server.close();
  }
});

test("the announcement studio, its .docx download, and the admin screen break no policy", async ({
  page,
  context,
  sim,
  browser,
  baseURL,
}) => {
  const origin = new URL(baseURL!).origin;
  const csp = await watchCsp(context);
  await sim.script({ kind: "stream", text: JSON.stringify(VALID_ANNOUNCEMENT) });
  const studio = new AnnouncementsPage(page);
  await studio.goto();
  await studio.kind("maintenance").click();
  await studio.fill({
    department: "信息技术部",
    startAt: "2026-11-28T22:00",
    endAt: "2026-11-29T02:00",
    systems: "OA 办公系统",
    impact: "维护期间无法登录和审批",
    contact: "IT 服务台 8001",
  });
  await studio.generate.click();
  await studio.waitForDone();
  const [download] = await Promise.all([page.waitForEvent("download"), studio.docx.click()]);
  expect(download.suggestedFilename()).toMatch(/\.docx$/);
  await csp.expectNone(page, origin);

  const { context: adminContext, admin } = await adminBrowser(browser, baseURL!);
  const adminCsp = await watchCsp(adminContext);
  await admin.goto();
  await expect(admin.credits).toBeVisible();
  await adminCsp.expectNone(admin.page, origin);
  await adminContext.close();
});

test("signing in with a password and through single sign-on breaks no policy", async ({
  browser,
  baseURL,
  account,
}) => {
  const origin = new URL(baseURL!).origin;
  const fresh = () =>
    browser.newContext({
      baseURL,
      storageState: { cookies: [], origins: [] },
      locale: "zh-CN",
      timezoneId: "Asia/Shanghai",
      extraHTTPHeaders: { "x-forwarded-for": uniqueClientIp() },
    });

  const passwordContext = await fresh();
  const passwordCsp = await watchCsp(passwordContext);
  const page = await passwordContext.newPage();
  const signIn = new SignInPage(page);
  await signIn.goto("/usage");
  await signIn.signIn(account.email, account.password);
  await expect(page).toHaveURL(/\/usage$/);
  await expect(page.getByTestId("usage-today")).toBeVisible();
  await passwordCsp.expectNone(page, origin);
  await passwordContext.close();

  // The authorization-code flow leaves for the provider's origin and comes back (form-action 'self'
  // must not stop the redirect).
  const ssoContext = await fresh();
  const ssoCsp = await watchCsp(ssoContext);
  const ssoPage = await ssoContext.newPage();
  const sso = new SignInPage(ssoPage);
  await sso.goto();
  await sso.sso.click();
  await ssoPage.locator('input[name="login"]').fill(`csp-${Date.now().toString(36)}`);
  await ssoPage.locator('input[name="password"]').fill("any-password");
  await ssoPage.locator('button[type="submit"]').click();
  await ssoPage.locator('button[type="submit"]').click();
  await expect(ssoPage).toHaveURL(new RegExp(`^${baseURL}/(new|c/)`));
  await expect(new ChatPage(ssoPage).input).toBeEditable();
  await ssoCsp.expectNone(ssoPage, origin);
  await ssoContext.close();
});

test("demo mode: the banner and a reply break no policy", async ({ page, context }) => {
  const demo = `http://127.0.0.1:${E2E.demoPort}`;
  const csp = await watchCsp(context);
  const chat = new ChatPage(page);
  await chat.goto(`${demo}/`);
  await expect(chat.demoBanner).toBeVisible();
  await chat.ask("你好");
  await expect(chat.assistant()).toHaveAttribute("data-status", "done");
  await csp.expectNone(page, demo);
  const res = await page.request.get(`${demo}/`);
  expectStaticHeaders(res, "demo /");
  expectPageCsp(res, "demo /");
});
