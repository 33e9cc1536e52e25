import { E2E, expect, test } from "./fixtures";

// The canary key must never reach the browser: not in HTML, JS chunks, API bodies or headers.
test("the gateway key never appears in anything the browser receives", async ({ chat, sim, page }) => {
  const seen: Array<{ url: string; text: string }> = [];
  page.on("response", async (response) => {
    const headers = JSON.stringify(await response.allHeaders());
    let body = "";
    try {
      body = (await response.body()).toString("utf8");
    } catch {
      // Streaming bodies are read through the page instead (below).
    }
    seen.push({ url: response.url(), text: headers + body });
  });

  await sim.script({ kind: "stream", reasoning: "想一想。", text: "回答内容。" });
  await chat.goto();
  await chat.ask("你好");
  await expect(chat.assistant()).toHaveAttribute("data-status", "done");
  await sim.script({ kind: "http-error", status: 401, code: "invalid_api_key", message: "bad key" });
  await chat.ask("再来一次");
  await expect(chat.errorNotice).toHaveAttribute("data-code", "invalid_api_key");

  // The streamed chat body, read in full by a direct request (same route, same server).
  const stream = await page.request.post("/api/chat", {
    data: { id: "canary-check", messages: [{ id: "m", role: "user", parts: [{ type: "text", text: "hi" }] }] },
  });
  seen.push({ url: "stream", text: JSON.stringify(stream.headers()) + (await stream.text()) });
  const models = await page.request.get("/api/models");
  seen.push({ url: "models", text: await models.text() });

  // Every script chunk the page references, fetched explicitly.
  const scripts = await page.$$eval("script[src]", (els) => els.map((e) => (e as HTMLScriptElement).src));
  for (const src of scripts) seen.push({ url: src, text: await (await page.request.get(src)).text() });
  seen.push({ url: "html", text: await page.content() });

  expect(scripts.length).toBeGreaterThan(0);
  expect(seen.length).toBeGreaterThan(5);
  const leaks = seen.filter((s) => s.text.includes(E2E.canaryKey) || s.text.includes("canary-7f3a")).map((s) => s.url);
  expect(leaks).toEqual([]);
  // The upstream really did get the key: the canary is live, so its absence above means something.
  const [first] = await sim.chatRequests();
  expect(first?.headers.authorization).toBe(`Bearer ${E2E.canaryKey}`);
});
