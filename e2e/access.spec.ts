import type { APIResponse } from "@playwright/test";
import { expect, test } from "./fixtures";
import { appRoutes, fill, isPublic } from "./routes";

// Every page and route under app/ (found on disk) refuses a request without a session: pages
// redirect to /sign-in, API routes answer 401 with the AppError shape. With a forged session cookie
// (which passes the proxy's cookie check) the page or route itself refuses just the same. And every
// state-changing route refuses a signed-in request from another site.

const routes = appRoutes();
const someId = "00000000-0000-4000-8000-000000000000";

async function expectUnauthorized(res: APIResponse, label: string) {
  expect(res.status(), label).toBe(401);
  const body = (await res.json()) as { error: { code: string; message: Record<string, string>; retryable: boolean } };
  expect(body.error.code, label).toBe("unauthorized");
  expect(body.error.message["zh-CN"], label).toContain("登录");
  expect(body.error.message.en, label).toContain("sign in");
  expect(typeof body.error.retryable, label).toBe("boolean");
}

test("the route list is complete: pages, chat, history, admin, images", () => {
  const templates = routes.map((r) => r.template);
  for (const expected of [
    "/",
    "/c/[id]",
    "/admin",
    "/api/chat",
    "/api/conversations/[id]",
    "/api/admin/users",
    "/api/images",
  ]) {
    expect(templates).toContain(expected);
  }
  for (const route of routes.filter((r) => r.kind === "api"))
    expect(route.methods.length, route.file).toBeGreaterThan(0);
});

for (const [label, cookie] of [
  ["no session cookie", undefined],
  ["a forged session cookie", "glm-chat.session_token=forged-token.forged-signature"],
] as const) {
  test(`with ${label}, every page goes to /sign-in and every route answers 401`, async ({ playwright, baseURL }) => {
    const anonymous = await playwright.request.newContext({
      baseURL,
      storageState: { cookies: [], origins: [] },
      extraHTTPHeaders: { origin: baseURL!, ...(cookie ? { cookie } : {}) },
    });
    const checked: string[] = [];
    for (const route of routes.filter((r) => !isPublic(r))) {
      const url = fill(route.template, () => someId);
      for (const method of route.methods) {
        const res = await anonymous.fetch(url, { method, maxRedirects: 0, ...(method === "GET" ? {} : { data: {} }) });
        const what = `${method} ${url} (${route.file})`;
        if (route.kind === "page") {
          expect([302, 303, 307, 308], what).toContain(res.status());
          expect(res.headers().location, what).toMatch(/\/sign-in(\?|$)/);
        } else {
          await expectUnauthorized(res, what);
        }
        checked.push(what);
      }
    }
    expect(checked.length).toBeGreaterThan(20);
    await anonymous.dispose();
  });
}

test("every state-changing route refuses a signed-in request from another site", async ({ page, admin }) => {
  for (const route of routes.filter((r) => r.kind === "api" && !isPublic(r))) {
    const url = fill(route.template, () => someId);
    // Admin routes as the admin: a staff member would be refused for another reason.
    const client = route.template.startsWith("/api/admin") ? admin : page.request;
    for (const method of route.methods.filter((m) => m !== "GET")) {
      const res = await client.fetch(url, {
        method,
        data: {},
        headers: { origin: "https://evil.example" },
      });
      expect(res.status(), `${method} ${url}`).toBe(403);
    }
  }
});
