import type { Page, Request, Route } from "@playwright/test";
import { screenshotPng } from "../test/images";
import { expect, test } from "./fixtures";
import { Attachments } from "./pages/attachments";

// The chat engine (useChat, its transport, Zod: components/chat/chat-engine.tsx) is not part of the chat page's
// first load; the page imports it once the browser is idle. These tests hold its chunk back (recognised by a string
// of the AI SDK's transport that survives minification) to act in the gap: nothing the reader does may be lost, and
// a question must reach the server exactly once.
const ENGINE_MARKER = "Failed to fetch the chat response.";

/**
 * Holds the engine's chunk until `release()`. With `fail`, every request for it is answered with an error until
 * `release()` instead.
 */
async function holdEngine(page: Page, options: { fail?: boolean } = {}) {
  let release!: () => void;
  let isReleased = false;
  const released = new Promise<void>((resolve) => (release = resolve)).then(() => (isReleased = true));
  let requested!: () => void;
  const seen = new Promise<void>((resolve) => (requested = resolve));
  await page.route("**/_next/static/chunks/*.js", async (route: Route) => {
    try {
      const response = await route.fetch();
      const body = await response.text();
      if (!body.includes(ENGINE_MARKER)) return await route.fulfill({ response, body });
      requested();
      if (options.fail && !isReleased) return await route.fulfill({ status: 503, body: "unavailable" });
      await released;
      await route.fulfill({ response, body });
    } catch (error) {
      // The page went away (a reload, the test's end) while a chunk was on its way: nothing to answer.
      if (!/disposed|closed|Target|Test ended/i.test(String(error))) throw error;
    }
  });
  return { release, requested: seen };
}

/** POST /api/chat requests the page makes (each is one question sent to the server). */
function chatPosts(page: Page): Request[] {
  const posts: Request[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === "/api/chat") posts.push(request);
  });
  return posts;
}

test("a question sent before the chat engine has loaded is sent once it arrives, exactly once", async ({
  chat,
  sim,
  page,
}) => {
  await sim.script({ kind: "stream", text: "收到，马上开始。" });
  const engine = await holdEngine(page);
  const posts = chatPosts(page);
  await chat.goto();
  // The page asked for the engine after its first paint, and it has not arrived: the composer works anyway.
  await engine.requested;
  await chat.ask("引擎还没到就发送的问题");

  // The question shows at once and the chat waits (Stop is offered); nothing has gone to the server yet.
  await expect(chat.user()).toContainText("引擎还没到就发送的问题");
  await expect(chat.input).toHaveValue("");
  await expect(chat.stop).toBeVisible();
  expect(posts).toHaveLength(0);
  expect(await sim.chatRequests()).toHaveLength(0);

  engine.release();
  await expect(chat.assistant()).toHaveAttribute("data-status", "done");
  await expect(chat.assistant()).toContainText("收到，马上开始。");
  await expect(chat.messages).toHaveCount(2);
  expect(posts).toHaveLength(1);
  const requests = await sim.chatRequests();
  expect(requests).toHaveLength(1);
  const body = requests[0]?.body as { messages: Array<{ role: string; content: string }> };
  expect(body.messages.at(-1)).toEqual({ role: "user", content: "引擎还没到就发送的问题" });

  // Stored once: the conversation has its own address and reloads with one question and one reply.
  await expect(page).toHaveURL(/\/c\/[^/]+$/);
  await page.reload();
  await expect(chat.messages).toHaveCount(2);
  await expect(chat.user()).toContainText("引擎还没到就发送的问题");
});

test("Stop before the chat engine arrives sends nothing and puts the question back in the composer", async ({
  chat,
  sim,
  page,
}) => {
  await sim.script({ kind: "stream", text: "这条回答不应出现。" }, { kind: "stream", text: "第二次发送的回答。" });
  const engine = await holdEngine(page);
  const posts = chatPosts(page);
  await chat.goto();
  await engine.requested;
  await chat.ask("先发送再停止");
  await expect(chat.user()).toContainText("先发送再停止");
  await chat.stop.click();

  await expect(chat.messages).toHaveCount(0);
  await expect(chat.input).toHaveValue("先发送再停止");
  engine.release();
  // The engine arrives later: still nothing is sent until the reader sends again.
  await expect(chat.send).toBeEnabled();
  expect(posts).toHaveLength(0);
  await chat.input.press("Enter");
  await expect(chat.assistant()).toContainText("这条回答不应出现。");
  await expect(chat.assistant()).toHaveAttribute("data-status", "done");
  await expect(chat.messages).toHaveCount(2);
  expect(posts).toHaveLength(1);
});

test("when the chat engine cannot be loaded, the question stays with an error, and Retry sends it once", async ({
  chat,
  sim,
  page,
}) => {
  await sim.script({ kind: "stream", text: "重试后送达。" });
  const engine = await holdEngine(page, { fail: true });
  const posts = chatPosts(page);
  await chat.goto();
  await engine.requested;
  await chat.ask("网络断了也不能丢的问题");

  await expect(chat.user()).toContainText("网络断了也不能丢的问题");
  await expect(chat.errorNotice).toHaveAttribute("data-code", "connection_lost");
  await expect(chat.send).toBeVisible();
  expect(posts).toHaveLength(0);

  // The network is back: Retry loads the engine and sends the question that waited.
  engine.release();
  await chat.errorNotice.getByTestId("retry-button").click();
  await expect(chat.assistant()).toContainText("重试后送达。");
  await expect(chat.assistant()).toHaveAttribute("data-status", "done");
  await expect(chat.errorNotice).toHaveCount(0);
  await expect(chat.messages).toHaveCount(2);
  expect(posts).toHaveLength(1);
});

test("Stop before the chat engine arrives puts the question's images back too, and they go out with it", async ({
  chat,
  sim,
  page,
}) => {
  await sim.script({ kind: "stream", text: "看到图片了。" });
  const engine = await holdEngine(page);
  const posts = chatPosts(page);
  const images = new Attachments(page);
  await chat.goto();
  await engine.requested;
  await images.pick({ name: "截图.png", mimeType: "image/png", buffer: await screenshotPng(320, 200) });
  await images.expectReady(1);
  await chat.ask("带图的问题");
  await expect(images.items).toHaveCount(0);
  await chat.stop.click();

  await expect(chat.messages).toHaveCount(0);
  await expect(chat.input).toHaveValue("带图的问题");
  await images.expectReady(1);
  await expect(images.items.first()).toHaveAttribute("title", "截图.png");
  engine.release();
  await expect(chat.send).toBeEnabled();
  expect(posts).toHaveLength(0);
  await chat.input.press("Enter");
  await expect(chat.assistant()).toHaveAttribute("data-status", "done");
  await expect(images.sentImages).toHaveCount(1);
  const requests = await sim.chatRequests();
  expect(requests).toHaveLength(1);
  const body = requests[0]?.body as { messages: Array<{ role: string; content: unknown }> };
  expect(JSON.stringify(body.messages.at(-1))).toContain("data:image/");
  expect(posts).toHaveLength(1);
});

test("the page-wide Esc before the chat engine arrives puts the question's images back at once too", async ({
  chat,
  sim,
  page,
}) => {
  await sim.script({ kind: "stream", text: "Esc 之后再发送的回答。" });
  const engine = await holdEngine(page);
  const posts = chatPosts(page);
  const images = new Attachments(page);
  await chat.goto();
  await engine.requested;
  await images.pick({ name: "截图.png", mimeType: "image/png", buffer: await screenshotPng(320, 200) });
  await images.expectReady(1);
  await chat.ask("用 Esc 停下的带图问题");
  await expect(images.items).toHaveCount(0);
  await expect(chat.stop).toBeVisible();
  // Not the composer's own Esc: the page's (focus outside the composer), which stops through the chat shell.
  await chat.input.blur();
  await page.keyboard.press("Escape");

  await expect(chat.messages).toHaveCount(0);
  await expect(chat.input).toHaveValue("用 Esc 停下的带图问题");
  await images.expectReady(1);
  await expect(images.items.first()).toHaveAttribute("title", "截图.png");
  engine.release();
  await expect(chat.send).toBeEnabled();
  expect(posts).toHaveLength(0);
  await chat.input.press("Enter");
  await expect(chat.assistant()).toHaveAttribute("data-status", "done");
  await expect(images.sentImages).toHaveCount(1);
  expect(posts).toHaveLength(1);
  // Given back once: a reload does not put the question (sent now) back in the composer.
  await page.reload();
  await expect(chat.messages).toHaveCount(2);
  await expect(chat.input).toHaveValue("");
  await expect(images.items).toHaveCount(0);
});

test("a question the chat engine could not send is back in the composer after a reload", async ({
  chat,
  sim,
  page,
}) => {
  await sim.script({ kind: "stream", text: "重新加载后送达。" });
  const engine = await holdEngine(page, { fail: true });
  const posts = chatPosts(page);
  await chat.goto();
  await engine.requested;
  await chat.ask("加载失败后刷新也不能丢");
  await expect(chat.errorNotice).toHaveAttribute("data-code", "connection_lost");
  await expect(chat.input).toHaveValue("");

  await page.reload();
  await expect(chat.input).toHaveValue("加载失败后刷新也不能丢");
  await expect(chat.messages).toHaveCount(0);
  // Once, not again on the next reload after it is sent (Send is enabled once the page knows its models).
  engine.release();
  await expect(chat.send).toBeEnabled();
  await chat.input.press("Enter");
  await expect(chat.assistant()).toContainText("重新加载后送达。");
  await expect(chat.assistant()).toHaveAttribute("data-status", "done");
  expect(posts).toHaveLength(1);
  await page.reload();
  await expect(chat.messages).toHaveCount(2);
  await expect(chat.input).toHaveValue("");
});
