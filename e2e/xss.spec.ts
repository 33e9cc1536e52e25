import type { Page } from "@playwright/test";
import { VALID_ANNOUNCEMENT } from "@/lib/announcements/fixtures";
import { urlScheme } from "@/lib/markdown/safe-url";
import { expect, test } from "./fixtures";
import { AnnouncementsPage } from "./pages/announcements-page";
import { Sidebar } from "./pages/sidebar";

// Hostile Markdown through the real chat: a reply (scripted in the simulator), the user's own
// message, a conversation title and an announcement carry script tags, event handlers, javascript:/
// data:/vbscript: links, SVG, raw HTML, CSS tricks, KaTeX commands that need trust, code-fence
// languages with quotes, footnote tricks and bidi overrides. Nothing may run: a canary global stays
// unset, no dialog opens, no request leaves the app's origin, the page never navigates away — and
// the DOM shows the payloads inert (no handler attributes, no unsafe URL, no script or frame).

const CANARY = "window.__xssCanary=1";

/** Every payload, one per paragraph or block; each would set the canary or call alert if it ran. */
export const XSS_CORPUS = [
  `<script>${CANARY}</script>`,
  `<img src=x onerror="${CANARY}">`,
  `<svg onload="${CANARY}"><circle r=10 /></svg>`,
  `<svg><script>${CANARY}</script></svg>`,
  `<iframe src="javascript:${CANARY}"></iframe>`,
  `<iframe srcdoc="<script>parent.__xssCanary=1</script>"></iframe>`,
  `<object data="data:text/html,<script>${CANARY}</script>"></object>`,
  `<a href="javascript:${CANARY}">raw html link</a>`,
  `<details open ontoggle="${CANARY}"><summary>s</summary></details>`,
  `<div style="background:url(javascript:${CANARY})">css url</div>`,
  `<div style="width: expression(${CANARY})">css expression</div>`,
  `<style>@import url("https://evil.example/x.css"); body{background:url(https://evil.example/bg.png)}</style>`,
  `<link rel="stylesheet" href="https://evil.example/x.css">`,
  `<meta http-equiv="refresh" content="0;url=https://evil.example/">`,
  `<base href="https://evil.example/">`,
  `<form action="https://evil.example/"><button>go</button></form>`,
  `[js link](javascript:${CANARY})`,
  `[JS link](JaVaScRiPt:${CANARY})`,
  `[entity link](&#106;avascript:${CANARY})`,
  `[tab link](<java\tscript:${CANARY}>)`,
  `[vb link](vbscript:msgbox(1))`,
  `[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
  `<javascript:${CANARY}>`,
  `<vbscript:msgbox(1)>`,
  `[ref link][evil]\n\n[evil]: javascript:${CANARY} "title"`,
  `![svg image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+)`,
  `![js image](javascript:${CANARY})`,
  `![remote image](https://evil.example/pixel.png)`,
  `[ok link](https://example.com/" onmouseover="${CANARY})`,
  `**bold <img src=x onerror=${CANARY}>**`,
  '```js" onmouseover="window.__xssCanary=1" data-x="\nconst a = 1;\n```',
  "```<img/src=x/onerror=window.__xssCanary=1>\nx\n```",
  "`<script>window.__xssCanary=1</script>`",
  `Footnote[^x]\n\n[^x]: <img src=x onerror="${CANARY}"> [fn link](javascript:${CANARY})`,
  `[^"><img src=x onerror=${CANARY}>]`,
  `$\\href{javascript:${CANARY}}{katex href}$`,
  `$\\url{javascript:${CANARY}}$`,
  `$$\\htmlData{foo=bar, onclick=${CANARY}}{x}$$`,
  `$$\\htmlStyle{background:url(https://evil.example/k.png)}{y}$$`,
  `$$\\includegraphics[height=1em]{https://evil.example/k.png}$$`,
  `$$\\htmlId{evil" onclick="${CANARY}}{z}$$`,
  "| a | b |\n|---|---|\n| <img src=x onerror=window.__xssCanary=1> | [x](javascript:window.__xssCanary=1) |",
  "- [ ] <svg/onload=window.__xssCanary=1>",
  "Bidi: \u202Egnp.exe\u202C and an unterminated \u202Eoverride",
].join("\n\n");

interface Guard {
  /** Dialogs, requests off the app's origin, navigations away, page errors mentioning the canary. */
  problems: string[];
}

/** The canary, and a watch on dialogs, outside requests and navigations; set before the page loads. */
async function guard(page: Page, appOrigin: string): Promise<Guard> {
  const problems: string[] = [];
  await page.addInitScript(() => {
    Object.defineProperty(window, "__xssCanary", {
      configurable: false,
      get: () => (window as unknown as { __xssFired?: number }).__xssFired,
      set: () => {
        const w = window as unknown as { __xssFired?: number };
        w.__xssFired = (w.__xssFired ?? 0) + 1;
      },
    });
  });
  page.on("dialog", (dialog) => {
    problems.push(`a ${dialog.type()} dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on("request", (request) => {
    const url = request.url();
    if (!/^(data|blob):/.test(url) && new URL(url).origin !== appOrigin) problems.push(`a request to ${url}`);
  });
  page.on("framenavigated", (frame) => {
    const url = frame.url();
    if (url !== "about:blank" && !url.startsWith(appOrigin) && !url.startsWith("about:srcdoc")) {
      problems.push(`a frame navigated to ${url}`);
    }
  });
  page.on("popup", (popup) => problems.push(`a popup opened: ${popup.url()}`));
  return { problems };
}

async function expectNothingRan(page: Page, g: Guard) {
  // Give timers, image loads and handlers a moment to fire, and hover what could carry a handler.
  for (const el of await page.locator("[data-testid='message'] pre, [data-testid='message'] a, .katex").all()) {
    // Best effort: an element re-rendered away meanwhile cannot be hovered, and that is not a finding; the
    // assertions below decide.
    await el.hover({ force: true, timeout: 2000 }).catch(() => {});
  }
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (window as unknown as { __xssFired?: number }).__xssFired)).toBeUndefined();
  expect(g.problems).toEqual([]);
}

/** What an inert rendering means in the DOM, within `selector`. */
async function expectInertDom(page: Page, selector: string) {
  const report = await page.evaluate((sel) => {
    const roots = [...document.querySelectorAll(sel)];
    const all = roots.flatMap((root) => [root, ...root.querySelectorAll("*")]);
    return {
      count: roots.length,
      dangerous: all
        .filter((el) =>
          /^(script|iframe|frame|object|embed|style|link|meta|base|form|foreignobject)$/i.test(el.tagName),
        )
        .map((el) => el.outerHTML.slice(0, 120)),
      handlers: all.flatMap((el) =>
        [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName} ${a.name}="${a.value}"`),
      ),
      urls: all.flatMap((el) =>
        ["href", "src", "xlink:href", "action", "formaction", "data", "srcdoc"]
          .map((name) => el.getAttribute(name))
          .filter((v): v is string => v !== null),
      ),
      // What loads by itself (not a link the reader may choose to follow).
      autoloaded: all.flatMap((el) =>
        ["src", "xlink:href", "data", "srcdoc", ...(el.tagName === "A" ? [] : ["href"])]
          .map((name) => el.getAttribute(name))
          .filter((v): v is string => v !== null),
      ),
      styles: all.map((el) => el.getAttribute("style") ?? "").filter((s) => /url\(|expression|import/i.test(s)),
      dataAttributes: all.flatMap((el) =>
        [...el.attributes].filter((a) => /^data-(foo|x)$/i.test(a.name)).map((a) => `${el.tagName} ${a.name}`),
      ),
    };
  }, selector);
  expect(report.count, selector).toBeGreaterThan(0);
  // SVG itself is fine (the app's icons, KaTeX's radicals): its handlers, scripts and links are checked
  // like any other element's.
  expect(report.dangerous).toEqual([]);
  expect(report.handlers).toEqual([]);
  for (const url of report.urls) expect(["http", "https", "mailto", null], url).toContain(urlScheme(url));
  expect(report.autoloaded.filter((u) => u.includes("evil.example"))).toEqual([]);
  expect(report.styles).toEqual([]);
  expect(report.dataAttributes).toEqual([]);
}

test("a reply full of XSS payloads renders inert: nothing runs, nothing loads, no unsafe URL", async ({
  page,
  sim,
  chat,
  baseURL,
}) => {
  const g = await guard(page, new URL(baseURL!).origin);
  await sim.script({ kind: "stream", text: `${XSS_CORPUS}\n\nSAFE-END`, chunkDelayMs: 5 });
  await chat.goto();
  await chat.askAndWait("show me the payloads");
  await expect(chat.assistant()).toContainText("SAFE-END");
  await expect(chat.assistant()).toContainText("katex href");
  await expectInertDom(page, "[data-testid='message'][data-role='assistant']");
  // The links are still there as text, without a target; the remote image waits for a click.
  await expect(chat.assistant().getByText("js link", { exact: true })).toBeVisible();
  expect(await chat.assistant().getByText("js link", { exact: true }).getAttribute("href")).toBeNull();
  await expect(chat.assistant().locator("[data-slot='image-placeholder']").first()).toBeVisible();
  // KaTeX runs untrusted: \href and friends come out as plain (error-coloured) text, not links.
  expect(await chat.assistant().locator(".katex a").count()).toBe(0);
  await expectNothingRan(page, g);

  // A reload renders the stored reply the same way (the non-streaming path).
  await page.reload();
  await expect(chat.assistant()).toContainText("SAFE-END");
  await expectInertDom(page, "[data-testid='message'][data-role='assistant']");
  await expectNothingRan(page, g);
});

test("the bidi override in a reply stays inside it: the next message reads left to right", async ({ sim, chat }) => {
  await sim.script({ kind: "stream", text: "Unterminated \u202Eoverride here" });
  await chat.goto();
  await chat.askAndWait("bidi");
  await sim.script({ kind: "stream", text: "ok" });
  await chat.askAndWait("ABCDEF after");
  // Each character of the later question sits to the right of the one before it.
  const xs = await chat.user().evaluate((root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent!.indexOf("ABCDEF");
      if (at < 0) continue;
      return [0, 1, 2, 3, 4, 5].map((i) => {
        const range = document.createRange();
        range.setStart(node, at + i);
        range.setEnd(node, at + i + 1);
        return range.getBoundingClientRect().x;
      });
    }
    return [];
  });
  expect(xs).toHaveLength(6);
  for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThan(xs[i - 1]!);
});

test("the user's own message and a renamed title with payloads stay text", async ({ page, sim, chat, baseURL }) => {
  const g = await guard(page, new URL(baseURL!).origin);
  await sim.script({ kind: "stream", text: "收到" });
  await chat.goto();
  const question = `看看这个 <img src=x onerror="${CANARY}"> [点我](javascript:${CANARY}) <script>${CANARY}</script> \u202Etxt.exe`;
  await chat.askAndWait(question);
  await expect(chat.user()).toContainText("<script>");
  await expectInertDom(page, "[data-testid='message'][data-role='user']");

  const id = /\/c\/([^/?#]+)/.exec(page.url())?.[1];
  expect(id).toBeTruthy();
  const title = `<img src=x onerror="${CANARY}"><svg onload=${CANARY}>\u202Eevil`;
  const rename = await page.request.patch(`/api/conversations/${id}`, { data: { title } });
  expect(rename.status()).toBe(200);
  await page.reload();
  const sidebar = new Sidebar(page);
  await expect(sidebar.itemById(id!).getByTestId("conversation-title")).toHaveText(title);
  await expectInertDom(page, "[data-testid='conversation-item']");
  expect(await page.title()).not.toContain("<img");
  await expectNothingRan(page, g);
});

test("an announcement with payloads in every field renders inert in the studio", async ({ page, sim, baseURL }) => {
  const g = await guard(page, new URL(baseURL!).origin);
  const hostile = {
    ...VALID_ANNOUNCEMENT,
    title: `<img src=x onerror="${CANARY}">公告`,
    summary: `<script>${CANARY}</script>摘要`,
    body: `各位同事：\n\n${XSS_CORPUS}\n\nSAFE-END`,
    signoff: { issuer: `<svg onload="${CANARY}">信息技术部`, date: "2026年11月27日" },
    variants: { ...VALID_ANNOUNCEMENT.variants, wecom: `[x](javascript:${CANARY})` },
  };
  await sim.script({ kind: "json", content: JSON.stringify(hostile) });
  const studio = new AnnouncementsPage(page);
  await studio.goto();
  await studio.kind("product_launch").click();
  await studio.fill({
    department: "<b>信息技术部</b>",
    productName: `<img src=x onerror="${CANARY}">`,
    releaseDate: "2026-12-01",
    highlights: `<script>${CANARY}</script>\n[x](javascript:${CANARY})`,
  });
  await studio.generate.click();
  await studio.waitForDone();
  await expect(studio.preview).toContainText("SAFE-END");
  await expect(studio.title).toContainText("<img");
  await expectInertDom(page, "[data-testid='announcement-preview']");
  await expectNothingRan(page, g);
});
