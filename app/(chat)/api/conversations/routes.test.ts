import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureConversation } from "@/lib/db/queries/conversations";
import { appendUserMessage, finalizeMessage, startAssistantMessage } from "@/lib/db/queries/messages";
import type { SignedIn, TestApp } from "@/test/app";
import { startTestApp } from "@/test/app";
import { DIALECTS } from "@/test/db";
import { stopPgCluster } from "@/test/pg-cluster";
import type * as ExportRoute from "./[id]/export/route";
import type * as RestoreRoute from "./[id]/restore/route";
import type * as OneRoute from "./[id]/route";
import type * as ListRoute from "./route";
import type * as SearchRoute from "./search/route";

// The history routes called as Next calls them, on SQLite and PostgreSQL: list, search (Chinese
// substrings), rename, delete and restore, export; and every one of them, called by another user
// with the owner's ids, answers 404.

afterAll(stopPgCluster);

describe.each(DIALECTS)("history routes on %s", { timeout: 60_000 }, (dialect) => {
  let app: TestApp;
  let alice: SignedIn;
  let bob: SignedIn;
  let list: typeof ListRoute;
  let search: typeof SearchRoute;
  let one: typeof OneRoute;
  let restore: typeof RestoreRoute;
  let exportRoute: typeof ExportRoute;
  let chatId: string;

  const request = (user: SignedIn | undefined, path: string, init: RequestInit = {}) =>
    new Request(`${app.origin}${path}`, {
      ...init,
      headers: { ...(user ? user.headers : {}), "content-type": "application/json", ...init.headers },
    });
  const ctx = (id: string) => ({ params: Promise.resolve({ id }) });

  beforeAll(async () => {
    app = await startTestApp(dialect);
    [list, search, one, restore, exportRoute] = await Promise.all([
      import("./route"),
      import("./search/route"),
      import("./[id]/route"),
      import("./[id]/restore/route"),
      import("./[id]/export/route"),
    ]);
    alice = await app.signIn();
    bob = await app.signIn();
    // A stored conversation with a question and a finished reply.
    const conversation = await ensureConversation(app.db, alice.id, { title: "季度预算", model: "glm-5-1" });
    chatId = conversation.id;
    await appendUserMessage(app.db, alice.id, chatId, {
      id: "q-1",
      parts: [{ type: "text", text: "下季度的差旅预算怎么定？" }],
    });
    await startAssistantMessage(app.db, alice.id, chatId, { id: "a-1", model: "glm-5-1" });
    await finalizeMessage(app.db, alice.id, "a-1", {
      status: "done",
      parts: [{ type: "text", text: "按人数和出差天数估算，再留一成余量。" }],
      metadata: { model: "glm-5-1", status: "done" },
    });
    await ensureConversation(app.db, alice.id, { title: "周会议程", model: "glm-5-1" });
  });
  afterAll(() => app?.close());

  it("lists the user's conversations newest first, a page at a time", async () => {
    const first = await list.GET(request(alice, "/api/conversations?limit=1"));
    const page = (await first.json()) as { items: Array<{ id: string; title: string }>; nextCursor: string };
    expect(page.items.map((c) => c.title)).toEqual(["周会议程"]);
    expect(page.items[0]).not.toHaveProperty("userId");
    const next = await list.GET(request(alice, `/api/conversations?cursor=${encodeURIComponent(page.nextCursor)}`));
    expect(((await next.json()) as { items: Array<{ id: string }> }).items.map((c) => c.id)).toEqual([chatId]);
    expect(((await (await list.GET(request(bob, "/api/conversations"))).json()) as { items: [] }).items).toEqual([]);
  });

  it("finds conversations by any substring of a title or a message, Chinese included", async () => {
    const hits = async (user: SignedIn, q: string) =>
      (
        (await (await search.GET(request(user, `/api/conversations/search?q=${encodeURIComponent(q)}`))).json()) as {
          hits: Array<{ conversationId: string; snippet: string }>;
        }
      ).hits;
    expect((await hits(alice, "预算")).map((h) => h.conversationId)).toEqual([chatId]);
    const inReply = await hits(alice, "出差天数");
    expect(inReply.map((h) => h.conversationId)).toEqual([chatId]);
    expect(inReply[0]?.snippet).toContain("出差天数");
    expect(await hits(alice, "不存在的词")).toEqual([]);
    expect(await hits(bob, "预算")).toEqual([]);
  });

  it("renames; deletes to the trash and restores; another user's id is not found", async () => {
    const renamed = await one.PATCH(
      request(alice, `/api/conversations/${chatId}`, {
        method: "PATCH",
        body: JSON.stringify({ title: " 差旅预算 " }),
      }),
      ctx(chatId),
    );
    expect(
      ((await renamed.json()) as { conversation: { title: string; titleSource: string } }).conversation,
    ).toMatchObject({
      title: "差旅预算",
      titleSource: "user",
    });
    const blank = await one.PATCH(
      request(alice, `/api/conversations/${chatId}`, { method: "PATCH", body: JSON.stringify({ title: "  " }) }),
      ctx(chatId),
    );
    expect(blank.status).toBe(400);

    expect((await one.DELETE(request(alice, "/x", { method: "DELETE" }), ctx(chatId))).status).toBe(200);
    expect((await one.GET(request(alice, "/x"), ctx(chatId))).status).toBe(404);
    expect((await restore.POST(request(alice, "/x", { method: "POST" }), ctx(chatId))).status).toBe(200);
    const again = (await (await one.GET(request(alice, "/x"), ctx(chatId))).json()) as {
      messages: Array<{ id: string }>;
    };
    expect(again.messages.map((m) => m.id)).toEqual(["q-1", "a-1"]);
  });

  it("exports Markdown with a UTF-8 file name", async () => {
    const response = await exportRoute.GET(request(alice, "/x"), ctx(chatId));
    expect(response.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(response.headers.get("content-disposition")).toContain(
      `filename*=UTF-8''${encodeURIComponent("差旅预算")}.md`,
    );
    const text = await response.text();
    expect(text).toMatch(/^# 差旅预算\n/);
    expect(text).toContain("下季度的差旅预算怎么定？");
    expect(text).toContain("按人数和出差天数估算");
  });

  it("answers 404 to another user on every route, and 401 to no one", async () => {
    const calls: Array<[string, () => Promise<Response>]> = [
      ["GET one", () => one.GET(request(bob, "/x"), ctx(chatId))],
      ["PATCH", () => one.PATCH(request(bob, "/x", { method: "PATCH", body: '{"title":"偷看"}' }), ctx(chatId))],
      ["DELETE", () => one.DELETE(request(bob, "/x", { method: "DELETE" }), ctx(chatId))],
      ["restore", () => restore.POST(request(bob, "/x", { method: "POST" }), ctx(chatId))],
      ["export", () => exportRoute.GET(request(bob, "/x"), ctx(chatId))],
    ];
    for (const [label, call] of calls) {
      const response = await call();
      expect(response.status, label).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code, label).toBe("not_found");
    }
    expect((await one.GET(request(undefined, "/x"), ctx(chatId))).status).toBe(401);
    expect((await list.GET(request(undefined, "/api/conversations"))).status).toBe(401);
    // The owner's conversation is untouched.
    expect((await one.GET(request(alice, "/x"), ctx(chatId))).status).toBe(200);
  });

  it("refuses a state change from another site", async () => {
    const crossSite = { origin: "https://evil.example", host: "localhost:3000" };
    const response = await one.DELETE(request(alice, "/x", { method: "DELETE", headers: crossSite }), ctx(chatId));
    expect(response.status).toBe(403);
  });
});
