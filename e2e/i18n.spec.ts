import { readFileSync } from "node:fs";
import type { ChatPage } from "./pages/chat-page";
import { expect, test } from "./fixtures";

// In zh-CN no screen state may show a raw message key (chat.send) or an English UI string from en.json.

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const readMessages = (locale: string) => JSON.parse(readFileSync(`messages/${locale}.json`, "utf8")) as Tree;
const zh = flatten(readMessages("zh-CN"));
const english = flatten(readMessages("en"));
const keys = [...zh.keys()];

/** The literal pieces of each English string (ICU placeholders cut out) that the Chinese string does not share. */
const englishPieces = [...english].flatMap(([key, value]) => {
  const zhValue = zh.get(key) ?? "";
  if (value === zhValue) return [];
  return value
    .split(/\{[^}]*\}/)
    .map((piece) => piece.trim())
    .filter((piece) => piece.length > 2 && !zhValue.includes(piece))
    .map((piece) => ({ key, piece }));
});

async function expectNoEnglishOrKeys(chat: ChatPage, state: string) {
  const text = await chat.visibleStrings();
  const rawKeys = keys.filter((key) => new RegExp(`(^|[^\\w.])${key.replace(/\./g, "\\.")}($|[^\\w.])`).test(text));
  expect(rawKeys, `raw message keys in "${state}"`).toEqual([]);
  const leaks = englishPieces.filter(({ piece }) => text.includes(piece)).map(({ key, piece }) => `${key}: ${piece}`);
  expect(leaks, `English UI strings in "${state}"`).toEqual([]);
}

test("every main screen state in zh-CN shows Chinese UI text only", async ({ chat, sim, page }) => {
  expect(englishPieces.length).toBeGreaterThan(50);
  await chat.goto();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expectNoEnglishOrKeys(chat, "empty");

  await chat.modelPicker.click();
  await expect(chat.modelPopover).toBeVisible();
  await expectNoEnglishOrKeys(chat, "model picker open");
  await page.keyboard.press("Escape");

  await sim.script(
    {
      kind: "stream",
      chunks: [
        { reasoning: "先想一想公告的结构。", delayMs: 50 },
        { reasoning: "标题、正文、落款。", delayMs: 1200 },
        { content: "## 公告\n\n新版本今天上线。", delayMs: 600 },
      ],
    },
    { kind: "stream", text: "这是一段被截断的回答", finishReason: "length" },
  );
  await chat.ask("写一份公告");
  await expect(chat.reasoning()).toHaveAttribute("data-state", "streaming");
  await expectNoEnglishOrKeys(chat, "streaming with reasoning");
  await expect(chat.assistant()).toHaveAttribute("data-status", "done");

  await chat.askAndWait("再写长一点");
  await expect(chat.assistant().getByTestId("continue-button")).toBeVisible();
  await chat.assistant(0).hover();
  await chat.reasoning(chat.assistant(0)).getByTestId("reasoning-toggle").click();
  await expectNoEnglishOrKeys(chat, "conversation with reasoning, actions and a cut reply");

  await chat.user(0).hover();
  await chat.user(0).getByTestId("edit-message").click();
  await expectNoEnglishOrKeys(chat, "editing a question");
  await page.keyboard.press("Escape");

  await chat.openSettings();
  await expectNoEnglishOrKeys(chat, "settings dialog");
  await chat.closeSettings();

  await page.keyboard.press("Control+/");
  await expect(chat.shortcutsDialog).toBeVisible();
  await expectNoEnglishOrKeys(chat, "shortcuts dialog");
  await page.keyboard.press("Escape");

  // A draft too long for the model's context: the refusal and its ways out.
  await chat.input.fill("长".repeat(200_000));
  await expect(chat.contextLimit).toBeVisible();
  await expectNoEnglishOrKeys(chat, "context full");
  await chat.input.fill("");

  await sim.script({ kind: "stream", text: "部分回答", finishReason: "sensitive" });
  await chat.askAndWait("敏感问题");
  await expect(chat.errorNotice).toHaveAttribute("data-tone", "notice");
  await chat.setTheme("dark");
  await expectNoEnglishOrKeys(chat, "content-safety notice, dark theme");
});

test("the English UI is English (the switch works both ways)", async ({ chat, page }) => {
  await chat.goto();
  await page.getByTestId("language-switch").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(chat.input).toHaveAttribute("placeholder", english.get("composer.placeholder")!);
  await expect(chat.newChat).toHaveAttribute("aria-label", english.get("header.newChat")!);
  await page.getByTestId("language-switch").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
});
