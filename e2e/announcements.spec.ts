import AxeBuilder from "@axe-core/playwright";
import { readFileSync } from "node:fs";
import { strFromU8, unzipSync } from "fflate";
import { VALID_ANNOUNCEMENT } from "@/lib/announcements/fixtures";
import { KIND_SPECS, KINDS } from "@/lib/announcements/kinds";
import type { ScriptedResponse } from "@/lib/simulator/script-types";
import type { Page } from "@playwright/test";
import { expect, saveScreenshot, test } from "./fixtures";
import { AnnouncementsPage } from "./pages/announcements-page";

// The announcement studio against the simulator: every kind's form checks, a JSON reply streaming
// into the preview, the repair path, revisions with browsable versions, every export, reopening.

const MAINTENANCE = {
  department: "信息技术部",
  startAt: "2026-11-28T22:00",
  endAt: "2026-11-29T02:00",
  systems: "OA 办公系统",
  impact: "维护期间无法登录和审批",
  contact: "IT 服务台 8001",
};

/** The JSON reply in small pieces, paced so that the preview can be seen filling in. */
function streamed(value: unknown, delayMs = 120): ScriptedResponse {
  const text = JSON.stringify(value);
  const size = Math.ceil(text.length / 14);
  const chunks = [];
  for (let i = 0; i < text.length; i += size) chunks.push({ content: text.slice(i, i + size) });
  return { kind: "stream", chunks, chunkDelayMs: delayMs };
}

async function fillMaintenance(studio: AnnouncementsPage) {
  await studio.kind("maintenance").click();
  await studio.fill(MAINTENANCE);
}

test("each kind asks for its own required fields, and date ranges must not run backwards", async ({ page, sim }) => {
  const studio = new AnnouncementsPage(page);
  await studio.goto();
  for (const kind of KINDS) {
    await studio.kind(kind).click();
    await expect(studio.kind(kind)).toHaveAttribute("aria-checked", "true");
    await studio.generate.click();
    await expect(page.getByTestId("form-errors")).toBeVisible();
    await expect(studio.error("department")).toHaveText("请填写此项");
    for (const field of KIND_SPECS[kind].fields) {
      if (field.required) await expect(studio.error(field.id), `${kind}.${field.id}`).toHaveText("请填写此项");
      else await expect(studio.error(field.id)).toHaveCount(0);
    }
  }
  await saveScreenshot(page, "40-studio-validation");

  // A maintenance window that ends before it starts.
  await fillMaintenance(studio);
  await studio.field("endAt").fill("2026-11-28T20:00");
  await studio.generate.click();
  await expect(studio.error("endAt")).toHaveText("结束时间不能早于开始时间");
  // A holiday may be one day, but not end before it starts.
  await studio.kind("holiday").click();
  await studio.fill({ holidayName: "元旦", startDate: "2027-01-03", endDate: "2027-01-01" });
  await studio.generate.click();
  await expect(studio.error("endDate")).toHaveText("结束时间不能早于开始时间");
  await studio.field("endDate").fill("2027-01-03");
  await expect(studio.error("endDate")).toHaveCount(0);
  // Nothing reached the gateway while the form was wrong.
  expect(await sim.chatRequests()).toHaveLength(0);
});

/** A tall window, scrolled to the top, so that a screenshot shows the form and the whole notice. */
async function shoot(page: Page, name: string) {
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await saveScreenshot(page, name);
}

test("a JSON reply streams into an official-looking preview, is saved, and reopens", async ({ page, sim }) => {
  await sim.script(streamed(VALID_ANNOUNCEMENT));
  const studio = new AnnouncementsPage(page);
  await studio.goto();
  await fillMaintenance(studio);
  await studio.generate.click();

  // The title shows while the rest is still on its way.
  await expect(studio.preview).toHaveAttribute("data-streaming", "true");
  await expect(studio.title).toHaveText(VALID_ANNOUNCEMENT.title);
  await expect(studio.preview).toHaveAttribute("data-streaming", "true");
  await shoot(page, "41-studio-streaming");
  await studio.waitForDone();
  await expect(studio.preview.getByRole("heading", { name: "维护时间" })).toBeVisible();
  await expect(studio.signoff).toHaveText(/信息技术部\s*2026年11月27日/);
  // Centred title, sign-off on the right.
  expect(await studio.title.evaluate((el) => getComputedStyle(el).textAlign)).toBe("center");
  expect(await studio.signoff.evaluate((el) => getComputedStyle(el).textAlign)).toBe("right");
  await expect(page.getByTestId("channel-count-wecom")).toHaveAttribute("data-fits", "true");
  await expect(page.getByTestId("channel-count-email")).toContainText("/ 60");
  await shoot(page, "42-studio-done");

  const [request] = await sim.chatRequests();
  const body = request!.body as { response_format: unknown; messages: Array<{ role: string; content: string }> };
  expect(body.response_format).toEqual({ type: "json_object" });
  expect(body.messages[0]!.content).toMatch(/今天是 \d{4}年\d{1,2}月\d{1,2}日（星期.）/);
  expect(body.messages[1]!.content).toContain("维护开始时间：2026年11月28日 22:00");

  // Saved: the address names it, a reload shows it, and it is in the list.
  await expect(page).toHaveURL(/\/announcements\?id=/);
  await page.reload();
  await expect(studio.title).toHaveText(VALID_ANNOUNCEMENT.title);
  await expect(studio.version(1)).toBeVisible();
  await expect(studio.history.getByTestId("history-item")).toHaveCount(1);
  await expect(studio.history).toContainText(VALID_ANNOUNCEMENT.title);

  // A new announcement starts blank; the saved one opens again from the list.
  await page.getByTestId("announcement-new").click();
  await expect(page).toHaveURL(/\/announcements$/);
  await expect(studio.title).toHaveCount(0);
  await expect(studio.field("productName")).toHaveValue("");
  await studio.history.getByTestId("history-item").click();
  await expect(studio.title).toHaveText(VALID_ANNOUNCEMENT.title);
});

test("an invalid reply is repaired once; invalid twice gives a readable fallback", async ({ page, sim }) => {
  await sim.script({ kind: "json", content: '{"title": "通知", "body": ' }, streamed(VALID_ANNOUNCEMENT, 20));
  const studio = new AnnouncementsPage(page);
  await studio.goto();
  await fillMaintenance(studio);
  await studio.generate.click();
  await studio.waitForDone();
  await expect(studio.title).toHaveText(VALID_ANNOUNCEMENT.title);
  await expect(page.getByTestId("studio-fallback")).toHaveCount(0);
  const requests = await sim.chatRequests();
  expect(requests).toHaveLength(2);
  const repair = (requests[1]!.body as { messages: Array<{ role: string; content: string }> }).messages;
  expect(repair.at(-2)).toEqual({ role: "assistant", content: '{"title": "通知", "body": ' });
  expect(repair.at(-1)!.content).toContain("不是符合要求的 JSON");

  await sim.script({ kind: "json", content: "抱歉，我无法输出 JSON。" }, { kind: "json", content: "还是不行" });
  await studio.generate.click();
  await expect(page.getByTestId("studio-fallback")).toBeVisible();
  await expect(studio.title).toHaveText("系统维护/停机通知");
  await expect(studio.signoff).toContainText("信息技术部");
  await expect(studio.preview).toContainText("还是不行");
  await expect(studio.version(2)).toBeVisible();
});

test("revisions keep the structure and every version stays browsable", async ({ page, sim }) => {
  const revised = {
    ...VALID_ANNOUNCEMENT,
    title: "关于OA系统停机维护的正式通知",
    body: "各部门、各位同事：\n\n## 维护时间\n\n- 2026年11月28日 22:00 至 11月29日 02:00",
  };
  await sim.script(streamed(VALID_ANNOUNCEMENT, 20), streamed(revised, 20));
  const studio = new AnnouncementsPage(page);
  await studio.goto();
  await fillMaintenance(studio);
  await studio.generate.click();
  await studio.waitForDone();

  await studio.reviseInput.fill("更正式一些");
  await studio.reviseSubmit.click();
  await expect(studio.version(2)).toBeVisible();
  await studio.waitForDone();
  await expect(studio.title).toHaveText(revised.title);
  await expect(studio.version(2)).toHaveAttribute("aria-current", "true");
  await expect(studio.version(2)).toContainText("更正式一些");

  const second = (await sim.chatRequests())[1]!.body as { messages: Array<{ role: string; content: string }> };
  expect(second.messages.at(-2)).toEqual({ role: "assistant", content: JSON.stringify(VALID_ANNOUNCEMENT) });
  expect(second.messages.at(-1)!.content).toContain("更正式一些");

  await studio.version(1).click();
  await expect(studio.title).toHaveText(VALID_ANNOUNCEMENT.title);
  await studio.version(2).click();
  await expect(studio.title).toHaveText(revised.title);
  await shoot(page, "43-studio-versions");
});

test("exports: rich text with headings, Markdown, plain text, and a .docx that opens", async ({
  page,
  sim,
  context,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await sim.script(streamed(VALID_ANNOUNCEMENT, 10));
  const studio = new AnnouncementsPage(page);
  await studio.goto();
  await fillMaintenance(studio);
  await studio.generate.click();
  await studio.waitForDone();

  await studio.copyRich.click();
  await expect(studio.copyRich).toContainText("已复制");
  const clip = await page.evaluate(async () => {
    const [item] = await navigator.clipboard.read();
    return {
      types: [...(item?.types ?? [])],
      html: item ? await (await item.getType("text/html")).text() : "",
      text: item ? await (await item.getType("text/plain")).text() : "",
    };
  });
  expect(clip.types).toEqual(expect.arrayContaining(["text/html", "text/plain"]));
  expect(clip.html).toMatch(/<h1[^>]*text-align:center[^>]*>关于OA系统停机维护的通知<\/h1>/);
  expect(clip.html).toMatch(/<h2[^>]*>维护时间<\/h2>/);
  expect(clip.html).toMatch(/<ul[^>]*><li/);
  expect(clip.text).toContain("关于OA系统停机维护的通知");

  await studio.copyMarkdown.click();
  const markdown = await page.evaluate(() => navigator.clipboard.readText());
  expect(markdown).toMatch(/^# 关于OA系统停机维护的通知\n/);
  expect(markdown).toContain("## 维护时间");

  await studio.copyPlain.click();
  const plain = await page.evaluate(() => navigator.clipboard.readText());
  expect(plain).toContain("维护时间");
  expect(plain).not.toMatch(/[#*]/);
  expect(plain.trim().endsWith("2026年11月27日")).toBe(true);

  const [download] = await Promise.all([page.waitForEvent("download"), studio.docx.click()]);
  expect(download.suggestedFilename()).toMatch(/\.docx$/);
  const files = unzipSync(new Uint8Array(readFileSync((await download.path())!)));
  const xml = strFromU8(files["word/document.xml"]!);
  expect(xml).toContain(VALID_ANNOUNCEMENT.title);
  expect(xml).toContain("维护时间");
  expect(xml).toContain("信息技术部");
});

test("the studio passes axe: empty, with errors, with a finished notice, and in dark mode", async ({ page, sim }) => {
  const check = async (state: string) => {
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    const serious = results.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ rule: v.id, targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
    expect(serious, `axe violations in "${state}"`).toEqual([]);
    expect(results.passes.length).toBeGreaterThan(10);
  };
  await sim.script(streamed(VALID_ANNOUNCEMENT, 5));
  const studio = new AnnouncementsPage(page);
  await studio.goto();
  await check("empty");
  await studio.generate.click();
  await check("errors");
  await fillMaintenance(studio);
  await studio.generate.click();
  await studio.waitForDone();
  await check("done");
  await page.evaluate(() => document.documentElement.classList.add("dark"));
  // Measured at rest: no hover on the button just pressed, colour transitions settled.
  await page.mouse.move(0, 0);
  await page.waitForTimeout(500);
  await check("dark");
  await shoot(page, "46-studio-dark");
});

test("the studio speaks English too, and its errors follow the language", async ({ page }) => {
  const studio = new AnnouncementsPage(page);
  await studio.goto();
  await page.getByTestId("language-switch").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Announcement studio");
  await expect(studio.kind("maintenance")).toHaveText("Maintenance / downtime");
  await expect(studio.generate).toHaveText("Generate");
  await studio.generate.click();
  await expect(studio.error("department")).toHaveText("Required");
  await page.getByTestId("language-switch").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(studio.generate).toHaveText("生成公告");
});

test("the studio is reached from the chat's sidebar", async ({ chat, page }) => {
  await chat.goto();
  await page.getByTestId("sidebar").getByTestId("nav-announcements").click();
  await expect(page).toHaveURL(/\/announcements$/);
  await expect(new AnnouncementsPage(page).generate).toBeVisible();
});
