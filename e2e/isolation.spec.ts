import { createAccount, expect, signedInRequest, test, type Account } from "./fixtures";
import { Sidebar } from "./pages/sidebar";
import { appRoutes, fill, isPublic } from "./routes";

// Two staff members never see each other's data: every route with an id, called by the other person
// with the first one's real ids, answers 404 (admin routes: 403 for staff), and the UI shows nothing.

const PNG_1X1 = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

test("another person's conversation, messages and images answer 404, in the UI and on every route", async ({
  chat,
  sim,
  page,
  admin,
  baseURL,
}) => {
  // The owner: a conversation with a distinctive word, and an uploaded image.
  await sim.script({ kind: "stream", text: "只有主人能看到的回答：蓝鲸计划。" });
  await chat.goto();
  await chat.askAndWait("蓝鲸计划的机密细节");
  const chatId = page.url().split("/c/")[1]!;
  const stored = (await (await page.request.get(`/api/conversations/${chatId}`)).json()) as {
    messages: Array<{ id: string; role: string }>;
  };
  const [questionId, replyId] = stored.messages.map((m) => m.id);
  const upload = await page.request.post("/api/images", { data: PNG_1X1, headers: { "content-type": "image/png" } });
  expect(upload.status(), await upload.text()).toBeLessThan(300);
  const imageId = ((await upload.json()) as { id: string }).id;
  expect((await page.request.get(`/api/images/${imageId}`)).status()).toBe(200);

  // The other person.
  const stranger: Account = await createAccount(admin, "stranger");
  const other = await signedInRequest(baseURL!, stranger.email, stranger.password);
  const idFor = (template: string) => (template.includes("/images/") ? imageId : chatId);
  const checked: string[] = [];
  for (const route of appRoutes().filter((r) => r.kind === "api" && !isPublic(r) && r.template.includes("["))) {
    const url = fill(route.template, (_, template) => idFor(template));
    for (const method of route.methods) {
      const res = await other.fetch(url, {
        method,
        ...(method === "GET" ? {} : { data: { title: "x", password: "x-password" } }),
      });
      const expected = route.template.startsWith("/api/admin") ? 403 : 404;
      expect(res.status(), `${method} ${url}`).toBe(expected);
      checked.push(`${method} ${url}`);
    }
  }
  expect(checked.length).toBeGreaterThanOrEqual(8);

  // The chat route with the owner's ids: their conversation, their message ids in a new one.
  const question = (id: string, text: string) => ({ id, role: "user", parts: [{ type: "text", text }] });
  for (const body of [
    { id: chatId, messages: [question(crypto.randomUUID(), "让我看看")] },
    { id: crypto.randomUUID(), messages: [question(questionId!, "借用别人的消息 id")] },
    { id: crypto.randomUUID(), messages: [question(replyId!, "借用别人的回答 id")] },
    { id: chatId, continue: true, messages: [{ id: replyId, role: "assistant", parts: [] }] },
  ]) {
    const res = await other.post("/api/chat", { data: { model: "glm-5-1", ...body } });
    // 404, or for a continuation 400 "nothing to continue": either way nothing of theirs, and no hint it exists.
    expect([400, 404], JSON.stringify(body)).toContain(res.status());
  }
  // Nothing of the owner's reaches the other person's lists or search.
  const list = (await (await other.get("/api/conversations")).json()) as { items: Array<{ id: string }> };
  expect(list.items.map((c) => c.id)).not.toContain(chatId);
  const search = (await (await other.get(`/api/conversations/search?q=${encodeURIComponent("蓝鲸计划")}`)).json()) as {
    hits: unknown[];
  };
  expect(search.hits).toEqual([]);

  // And in the other person's browser.
  await page.context().clearCookies();
  await page.context().addCookies((await other.storageState()).cookies);
  expect((await page.goto(`/c/${chatId}`))?.status()).toBe(404);
  await page.goto("/");
  const sidebar = new Sidebar(page);
  await expect(page.getByTestId("chat-input")).toBeEditable();
  await sidebar.search.fill("蓝鲸");
  await expect(page.getByText("没有找到包含“蓝鲸”的对话。")).toBeVisible();
  await expect(sidebar.itemById(chatId)).toHaveCount(0);
  await other.dispose();
});
