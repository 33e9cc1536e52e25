import path from "node:path";
import Database from "better-sqlite3";
import { E2E, expect, saveScreenshot, test } from "./fixtures";
import { Sidebar } from "./pages/sidebar";

// Sections by day need conversations from other days: their dates are moved back in the main
// instance's SQLite file (time travel is test setup; the grouping itself is the app's).

test("the history is grouped by day: 今天, 昨天, 过去 7 天, 更早", async ({ chat, sim, page }) => {
  const sidebar = new Sidebar(page);
  const titles = ["季度计划讨论", "招聘面试题", "服务器迁移方案", "年会节目单"];
  await sim.script(...titles.map((t) => ({ kind: "stream" as const, text: `关于${t}的回答。` })));
  await chat.goto();
  const ids: string[] = [];
  for (const title of titles) {
    const id = crypto.randomUUID();
    const res = await page.request.post("/api/chat", {
      data: {
        id,
        model: "glm-5-1",
        messages: [{ id: `q-${id}`, role: "user", parts: [{ type: "text", text: title }] }],
      },
    });
    await res.text();
    ids.push(id);
  }
  // Wait for the titles, so that they do not touch the dates moved below.
  await expect.poll(async () => (await sim.titleRequests()).length).toBeGreaterThanOrEqual(4);
  await page.reload();
  await expect(sidebar.item("年会节目单")).toHaveCount(1);

  const day = 24 * 60 * 60 * 1000;
  const db = new Database(path.join(E2E.dataDir, `e2e-${E2E.appPort}.db`));
  db.pragma("busy_timeout = 5000");
  const move = db.prepare("UPDATE conversations SET updated_at = ? WHERE id = ?");
  move.run(Date.now() - 1 * day, ids[2]);
  move.run(Date.now() - 4 * day, ids[1]);
  move.run(Date.now() - 40 * day, ids[0]);
  db.close();

  await page.reload();
  await expect(sidebar.groups.getByRole("heading")).toHaveText(["今天", "昨天", "过去 7 天", "更早"]);
  await expect
    .poll(() => sidebar.items.evaluateAll((els) => els.map((e) => e.getAttribute("data-id"))))
    .toEqual([ids[3], ids[2], ids[1], ids[0]]);
  await sidebar.itemById(ids[2]!).click();
  await expect(chat.assistant()).toContainText("关于服务器迁移方案的回答。");
  await saveScreenshot(page, "21-sidebar-history");
});

test.describe("on a phone (360×740)", () => {
  test.use({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });

  test("the history is a drawer opened from the header, closed by picking a chat", async ({ chat, sim, page }) => {
    const sidebar = new Sidebar(page);
    await sim.script({ kind: "stream", text: "手机上的回答。" });
    await chat.goto();
    await chat.askAndWait("手机上的问题");
    const id = page.url().split("/c/")[1]!;
    await chat.newChat.click();
    await expect(chat.messages).toHaveCount(0);
    await expect(sidebar.root).toBeHidden();
    await page.getByTestId("sidebar-open").click();
    await expect(sidebar.root).toBeVisible();
    // On a touch screen the item's actions are always shown.
    await expect(sidebar.itemById(id).getByTestId("conversation-delete")).toBeVisible();
    await sidebar.itemById(id).getByTestId("conversation-title").click();
    await expect(page).toHaveURL(new RegExp(`/c/${id}$`));
    await expect(sidebar.root).toBeHidden();
    await expect(chat.assistant()).toContainText("手机上的回答。");
  });
});
