import type { Browser, Page } from "@playwright/test";
import { expect, saveScreenshot, test, uniqueClientIp, type Account } from "./fixtures";
import { ChatPage } from "./pages/chat-page";
import { Sidebar } from "./pages/sidebar";
import { SignInPage } from "./pages/sign-in-page";

// History: stored on the server, listed newest first, renamed, deleted with undo, searched, exported,
// and found again from another browser. Runs against SQLite and PostgreSQL (the "postgres" project).

async function otherBrowser(browser: Browser, baseURL: string, account: Account) {
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
  await signIn.signIn(account.email, account.password);
  await expect(page).not.toHaveURL(/sign-in/);
  return { context, page };
}

test("staff find their history in another browser, newest first, named after the first reply", async ({
  chat,
  sim,
  page,
  browser,
  baseURL,
  account,
}) => {
  const sidebar = new Sidebar(page);
  await sim.script({ kind: "stream", text: "第一段对话的回答。" }, { kind: "stream", text: "第二段对话的回答。" });
  await chat.goto();
  await chat.askAndWait("请帮我整理季度销售数据");
  await expect(page).toHaveURL(/\/c\/[0-9a-f-]{36}$/);
  const first = page.url().split("/c/")[1]!;
  // The title is asked of the model after the first reply (the simulator answers with the question's start).
  await expect(sidebar.itemById(first).getByTestId("conversation-title")).toHaveText("请帮我整理季度销售数");

  await sidebar.newChat.click();
  await expect(chat.messages).toHaveCount(0);
  await chat.askAndWait("第二个对话：周会议程");
  const second = page.url().split("/c/")[1]!;
  await expect(sidebar.items).toHaveCount(2);
  await expect(sidebar.items.first()).toHaveAttribute("data-id", second);
  await expect(sidebar.groups).toHaveCount(1);
  await expect(sidebar.groups.first().getByRole("heading")).toHaveText("今天");

  const other = await otherBrowser(browser, baseURL!, account);
  // "/" opens the newest conversation, and the whole history is there.
  await expect(other.page).toHaveURL(new RegExp(`/c/${second}$`));
  const otherSidebar = new Sidebar(other.page);
  await expect(otherSidebar.items).toHaveCount(2);
  await otherSidebar.itemById(first).click();
  await expect(other.page).toHaveURL(new RegExp(`/c/${first}$`));
  const otherChat = new ChatPage(other.page);
  await expect(otherChat.user()).toContainText("请帮我整理季度销售数据");
  await expect(otherChat.assistant()).toContainText("第一段对话的回答。");
  await expect(otherSidebar.itemById(first)).toHaveAttribute("data-active", "true");
  await other.context.close();
});

/** A conversation created through the API, as the browser would (the reply read to its end). */
async function createChat(page: Page, question: string) {
  const id = crypto.randomUUID();
  const res = await page.request.post("/api/chat", {
    data: {
      id,
      model: "glm-5-1",
      messages: [{ id: `q-${id}`, role: "user", parts: [{ type: "text", text: question }] }],
    },
  });
  expect(res.status()).toBe(200);
  await res.text();
  return id;
}

test("rename, delete with undo, and search by a Chinese substring of a title or a message", async ({
  chat,
  sim,
  page,
}) => {
  const sidebar = new Sidebar(page);
  await sim.script(
    { kind: "stream", text: "预算分三块：人力、设备和差旅。" },
    { kind: "stream", text: "上线前最容易忽略的细节是回滚演练。" },
  );
  await chat.goto("/");
  const budget = await createChat(page, "下季度预算怎么分");
  const launch = await createChat(page, "上线检查清单");
  await page.reload();
  await expect(sidebar.items).toHaveCount(2);

  await sidebar.rename(sidebar.itemById(budget), "预算讨论（已改名）");
  await page.reload();
  await expect(sidebar.itemById(budget).getByTestId("conversation-title")).toHaveText("预算讨论（已改名）");

  // Two characters (matched with LIKE) in a title; six (the trigram index) inside a reply.
  await sidebar.search.fill("预算");
  await expect(sidebar.items).toHaveCount(1);
  await expect(sidebar.items.first()).toHaveAttribute("data-id", budget);
  await sidebar.search.fill("容易忽略的细节");
  await expect(sidebar.items).toHaveCount(1);
  await expect(sidebar.items.first()).toHaveAttribute("data-id", launch);
  await expect(sidebar.items.first().getByTestId("conversation-snippet")).toContainText("容易忽略的细节");
  await sidebar.search.fill("没有这个词");
  await expect(sidebar.items).toHaveCount(0);
  await expect(sidebar.root).toContainText("没有找到包含“没有这个词”的对话。");
  await sidebar.search.fill("");
  await expect(sidebar.items).toHaveCount(2);

  await sidebar.remove(sidebar.itemById(launch));
  await expect(sidebar.itemById(launch)).toHaveCount(0);
  await expect(sidebar.toast).toContainText("已删除");
  await sidebar.toast.getByRole("button", { name: "撤销" }).click();
  await expect(sidebar.itemById(launch)).toHaveCount(1);
  await page.reload();
  await expect(sidebar.items).toHaveCount(2);

  await sidebar.remove(sidebar.itemById(launch));
  await expect(sidebar.itemById(launch)).toHaveCount(0);
  await page.reload();
  await expect(sidebar.items).toHaveCount(1);
  // A deleted conversation's address is gone too.
  expect((await page.goto(`/c/${launch}`))?.status()).toBe(404);
});

test("a conversation downloads as Markdown", async ({ chat, sim, page }) => {
  const sidebar = new Sidebar(page);
  await sim.script({ kind: "stream", reasoning: "列出三点。", text: "## 要点\n\n1. 准时\n2. 简洁\n3. 有结论" });
  await chat.goto();
  await chat.askAndWait("周会怎么开");
  const id = page.url().split("/c/")[1]!;
  const item = sidebar.itemById(id);
  await item.hover();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    item.getByTestId("conversation-export").click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.md$/);
  const text = await (
    await download.createReadStream()
  )
    .toArray()
    .then((chunks) => Buffer.concat(chunks).toString("utf8"));
  expect(text).toMatch(/^# /);
  expect(text).toContain("周会怎么开");
  expect(text).toContain("## 要点");
  expect(text).toContain("思考过程");
  await saveScreenshot(page, "22-conversation-actions");
});
