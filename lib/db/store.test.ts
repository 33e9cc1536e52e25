import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { DIALECTS, openTwoUserDatabase, testTarget, type TestDatabase } from "@/test/db";
import { stopPgCluster } from "@/test/pg-cluster";
import { prepareDatabase } from "./index";
import { migrateDatabase } from "./migrate";
import {
  ensureConversation,
  getConversation,
  listConversations,
  purgeConversation,
  purgeTrashOlderThan,
  renameConversation,
  restoreConversation,
  setAutoTitle,
  softDeleteConversation,
  updateConversationSettings,
} from "./queries/conversations";
import { getGatewayStatus, saveGatewayStatus } from "./queries/gateway-status";
import {
  deleteImage,
  deleteUnreferencedImages,
  getImage,
  getImages,
  insertImage,
  UNSENT_IMAGE_TTL_MS,
} from "./queries/images";
import {
  appendUserMessage,
  countStreamingReplies,
  deleteMessagesFrom,
  finalizeMessage,
  getMessage,
  listMessages,
  recoverInterrupted,
  startAssistantMessage,
  toUIMessage,
  updateStreamingMessage,
  type MessagePart,
} from "./queries/messages";
import { searchConversations } from "./queries/search";
import { insertUsage, tokensUsedOn, usageByDay, usageReport } from "./queries/usage";
import { startReplyWriter } from "./reply-writer";

afterAll(stopPgCluster);

const text = (t: string): MessagePart[] => [{ type: "text", text: t }];
const usage = (prompt: number, completion: number) => ({
  promptTokens: prompt,
  completionTokens: completion,
  cachedTokens: 0,
  totalTokens: prompt + completion,
});

async function expectNotFound(promise: Promise<unknown>): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe("not_found");
}

describe.each(DIALECTS)("storage on %s", (dialect) => {
  let t: TestDatabase, alice: string, bob: string;
  beforeAll(async () => ({ t, alice, bob } = await openTwoUserDatabase(dialect)), 60_000);
  afterAll(() => t?.cleanup());

  describe("migrations", () => {
    it("are idempotent: running them again changes nothing", async () => {
      expect(await migrateDatabase(t.db)).toEqual([]);
      const again = await prepareDatabase({ database: t.target, ...t.config });
      await again.close();
      expect((await listConversations(t.db, alice)).items).toEqual([]);
    });

    // Several instances share one PostgreSQL database; a SQLite file has one server process by design
    // (lib/db/migrate.ts, recoverInterrupted), so this case exists only for PostgreSQL.
    if (dialect === "postgres") {
      it("let two instances start on one fresh database at once", async () => {
        const { target } = await testTarget("postgres");
        const env = { database: target, ...t.config };
        const [a, b] = await Promise.all([prepareDatabase(env), prepareDatabase(env)]);
        expect(await migrateDatabase(b)).toEqual([]);
        await Promise.all([a.close(), b.close()]);
      });
    }
  });

  describe("conversations", () => {
    it("creates, reads back, and answers the same chat for the same id", async () => {
      const c = await ensureConversation(t.db, alice, {
        id: "chat-create",
        model: "glm-5-1",
        settings: { thinking: true, temperature: 0.3 },
        now: 1000,
      });
      expect(c).toMatchObject({
        id: "chat-create",
        userId: alice,
        title: "",
        titleSource: "auto",
        model: "glm-5-1",
        settings: { thinking: true, temperature: 0.3 },
        messageCount: 0,
        createdAt: 1000,
        updatedAt: 1000,
        deletedAt: null,
      });
      expect(await ensureConversation(t.db, alice, { id: "chat-create", model: "other" })).toEqual(c);
      expect(await getConversation(t.db, alice, "chat-create")).toEqual(c);
    });

    it("lists newest first, a page at a time", async () => {
      for (let i = 0; i < 5; i++) {
        await ensureConversation(t.db, bob, { id: `page-${i}`, model: "glm-5-1", now: 10_000 + (i % 3) });
      }
      const first = await listConversations(t.db, bob, { limit: 2 });
      const second = await listConversations(t.db, bob, { limit: 2, cursor: first.nextCursor });
      const third = await listConversations(t.db, bob, { limit: 2, cursor: second.nextCursor });
      const ids = [...first.items, ...second.items, ...third.items].map((c) => c.id);
      expect(ids).toEqual(["page-2", "page-4", "page-1", "page-3", "page-0"]);
      expect(third.nextCursor).toBeNull();
      await expect(listConversations(t.db, bob, { cursor: "garbage" })).rejects.toMatchObject({
        code: "invalid_body",
      });
      for (let i = 0; i < 5; i++) await purgeConversation(t.db, bob, `page-${i}`);
    });

    it("renames; an automatic title never replaces the user's", async () => {
      await ensureConversation(t.db, alice, { id: "chat-title", model: "glm-5-1" });
      expect((await setAutoTitle(t.db, alice, "chat-title", "自动标题"))?.title).toBe("自动标题");
      const renamed = await renameConversation(t.db, alice, "chat-title", "  我的标题  ", 5000);
      expect(renamed).toMatchObject({ title: "我的标题", titleSource: "user", updatedAt: 5000 });
      expect(await setAutoTitle(t.db, alice, "chat-title", "迟到的自动标题")).toBeUndefined();
      expect((await getConversation(t.db, alice, "chat-title"))?.title).toBe("我的标题");
    });

    it("changes model and settings", async () => {
      await ensureConversation(t.db, alice, { id: "chat-settings", model: "glm-5-1" });
      const c = await updateConversationSettings(t.db, alice, "chat-settings", {
        model: "glm-4.6",
        settings: { maxTokens: 512 },
      });
      expect(c).toMatchObject({ model: "glm-4.6", settings: { maxTokens: 512 } });
    });

    it("soft-deletes, restores, purges", async () => {
      await ensureConversation(t.db, alice, { id: "chat-trash", model: "glm-5-1" });
      await appendUserMessage(t.db, alice, "chat-trash", { id: "m-trash", parts: text("会被删除") });
      const deleted = await softDeleteConversation(t.db, alice, "chat-trash", 7000);
      expect(deleted.deletedAt).toBe(7000);
      expect(await getConversation(t.db, alice, "chat-trash")).toBeUndefined();
      expect((await listConversations(t.db, alice)).items.map((c) => c.id)).not.toContain("chat-trash");
      expect((await listConversations(t.db, alice, { trash: true })).items.map((c) => c.id)).toEqual(["chat-trash"]);
      await expectNotFound(softDeleteConversation(t.db, alice, "chat-trash"));
      await expectNotFound(appendUserMessage(t.db, alice, "chat-trash", { id: "m-late", parts: text("x") }));

      expect((await restoreConversation(t.db, alice, "chat-trash")).deletedAt).toBeNull();
      await expectNotFound(restoreConversation(t.db, alice, "chat-trash"));
      expect(await getConversation(t.db, alice, "chat-trash")).toBeDefined();

      await purgeConversation(t.db, alice, "chat-trash");
      expect(await getConversation(t.db, alice, "chat-trash", { includeDeleted: true })).toBeUndefined();
      expect(await getMessage(t.db, alice, "m-trash")).toBeUndefined();
      await expectNotFound(purgeConversation(t.db, alice, "chat-trash"));
    });

    it("empties trash older than a cutoff", async () => {
      await ensureConversation(t.db, alice, { id: "chat-old-trash", model: "glm-5-1" });
      await softDeleteConversation(t.db, alice, "chat-old-trash", 100);
      expect(await purgeTrashOlderThan(t.db, 200)).toBe(1);
      expect(await getConversation(t.db, alice, "chat-old-trash", { includeDeleted: true })).toBeUndefined();
    });
  });

  describe("messages", () => {
    it("appends in order and is idempotent for a resent message", async () => {
      await ensureConversation(t.db, alice, { id: "chat-msgs", model: "glm-5-1", now: 1 });
      const m1 = await appendUserMessage(t.db, alice, "chat-msgs", { id: "u1", parts: text("你好"), now: 10 });
      const again = await appendUserMessage(t.db, alice, "chat-msgs", { id: "u1", parts: text("你好"), now: 11 });
      expect(again).toEqual(m1);
      const m2 = await appendUserMessage(t.db, alice, "chat-msgs", { id: "u2", parts: text("再见"), now: 20 });
      expect([m1.seq, m2.seq]).toEqual([1, 2]);
      expect(m1).toMatchObject({ role: "user", status: "done", text: "你好", conversationId: "chat-msgs" });
      expect((await listMessages(t.db, alice, "chat-msgs")).map((m) => m.id)).toEqual(["u1", "u2"]);
      const chat = await getConversation(t.db, alice, "chat-msgs");
      expect(chat).toMatchObject({ messageCount: 2, updatedAt: 20 });
    });

    it("stores a message sent twice at the same moment once", async () => {
      await ensureConversation(t.db, alice, { id: "chat-twice", model: "glm-5-1" });
      const send = () => appendUserMessage(t.db, alice, "chat-twice", { id: "twice", parts: text("双击发送") });
      const [a, b] = await Promise.all([send(), send()]);
      expect(a).toEqual(b);
      expect(await listMessages(t.db, alice, "chat-twice")).toHaveLength(1);
    });

    it("numbers messages sent to one chat at once 1…n, each once", async () => {
      await ensureConversation(t.db, alice, { id: "chat-burst", model: "glm-5-1" });
      const ids = Array.from({ length: 12 }, (_, i) => `burst-${i}`);
      const sent = await Promise.all(
        ids.map((id, i) =>
          i % 2
            ? appendUserMessage(t.db, alice, "chat-burst", { id, parts: text(id) })
            : startAssistantMessage(t.db, alice, "chat-burst", { id, model: "glm-5-1", now: 500 }),
        ),
      );
      expect(sent.map((m) => m.seq).sort((a, b) => a - b)).toEqual(ids.map((_, i) => i + 1));
      const stored = await listMessages(t.db, alice, "chat-burst");
      expect(stored).toHaveLength(12);
      expect(stored.map((m) => m.seq)).toEqual(ids.map((_, i) => i + 1));
      expect(await getConversation(t.db, alice, "chat-burst")).toMatchObject({ messageCount: 12 });
      const reply = stored.find((m) => m.id === "burst-0");
      expect(reply).toMatchObject({
        role: "assistant",
        status: "streaming",
        parts: [],
        text: "",
        metadata: { model: "glm-5-1", createdAt: 500 },
        createdAt: 500,
        updatedAt: 500,
      });
      await purgeConversation(t.db, alice, "chat-burst");
    });

    it("stores a reply as it streams, then finalizes it", async () => {
      await ensureConversation(t.db, alice, { id: "chat-stream", model: "glm-5-1" });
      await appendUserMessage(t.db, alice, "chat-stream", { id: "s-u", parts: text("讲个故事") });
      const started = await startAssistantMessage(t.db, alice, "chat-stream", {
        id: "s-a",
        model: "glm-5-1",
        now: 100,
      });
      expect(started).toMatchObject({ status: "streaming", parts: [], text: "", metadata: { model: "glm-5-1" } });

      const partial: MessagePart[] = [
        { type: "reasoning", text: "想一想", state: "streaming" },
        { type: "text", text: "从前", state: "streaming" },
      ];
      expect(await updateStreamingMessage(t.db, alice, "s-a", { parts: partial, now: 200 })).toBe(true);
      expect(await getMessage(t.db, alice, "s-a")).toMatchObject({ status: "streaming", text: "从前", updatedAt: 200 });

      const final: MessagePart[] = [
        { type: "reasoning", text: "想一想", state: "done" },
        { type: "text", text: "从前有座山", state: "done" },
      ];
      expect(
        await finalizeMessage(t.db, alice, "s-a", {
          status: "done",
          parts: final,
          metadata: { model: "glm-5-1", status: "done", finishReason: "stop", usage: usage(10, 5) },
          now: 300,
        }),
      ).toBe(true);
      const done = await getMessage(t.db, alice, "s-a");
      expect(done).toMatchObject({ status: "done", text: "从前有座山", parts: final });
      expect(done?.metadata).toMatchObject({ finishReason: "stop", usage: { totalTokens: 15 } });
      // A final reply is no longer rewritten by a late progress write.
      expect(await updateStreamingMessage(t.db, alice, "s-a", { parts: partial })).toBe(false);
      expect(toUIMessage(done!)).toEqual({
        id: "s-a",
        role: "assistant",
        parts: final,
        metadata: expect.objectContaining({ status: "done", createdAt: 100 }),
      });
    });

    it("deletes a message and everything after it", async () => {
      await ensureConversation(t.db, alice, { id: "chat-cut", model: "glm-5-1" });
      for (const id of ["c1", "c2", "c3"]) await appendUserMessage(t.db, alice, "chat-cut", { id, parts: text(id) });
      expect(await deleteMessagesFrom(t.db, alice, "chat-cut", "c2")).toBe(2);
      expect((await listMessages(t.db, alice, "chat-cut")).map((m) => m.id)).toEqual(["c1"]);
      // The next message still gets a fresh seq.
      const next = await appendUserMessage(t.db, alice, "chat-cut", { id: "c4", parts: text("c4") });
      expect(next.seq).toBe(4);
    });

    it("marks replies left streaming as interrupted, keeping their text", async () => {
      await ensureConversation(t.db, alice, { id: "chat-crash", model: "glm-5-1" });
      await startAssistantMessage(t.db, alice, "chat-crash", { id: "crashed", model: "glm-5-1", now: 1000 });
      await updateStreamingMessage(t.db, alice, "crashed", {
        parts: [{ type: "text", text: "说到一半", state: "streaming" }],
        now: 2000,
      });
      await startAssistantMessage(t.db, bob, (await ensureConversation(t.db, bob, { model: "glm-5-1" })).id, {
        id: "fresh",
        model: "glm-5-1",
        now: 9000,
      });
      // Another instance's live reply (written recently) is spared.
      expect(await recoverInterrupted(t.db, { staleMs: 5000, now: 10_000 })).toBe(1);
      const crashed = await getMessage(t.db, alice, "crashed");
      expect(crashed).toMatchObject({
        status: "interrupted",
        text: "说到一半",
        parts: [{ type: "text", text: "说到一半", state: "done" }],
        metadata: { model: "glm-5-1", status: "interrupted", error: { code: "stream_interrupted" } },
      });
      expect((await getMessage(t.db, bob, "fresh"))?.status).toBe("streaming");
      expect(await recoverInterrupted(t.db)).toBe(1);
      expect((await getMessage(t.db, bob, "fresh"))?.status).toBe("interrupted");
    });

    it("counts a user's replies in progress, ignoring stale ones", async () => {
      const c = await ensureConversation(t.db, bob, { model: "glm-5-1" });
      await startAssistantMessage(t.db, bob, c.id, { id: "live-1", model: "glm-5-1", now: 50_000 });
      await startAssistantMessage(t.db, bob, c.id, { id: "stale-1", model: "glm-5-1", now: 1_000 });
      expect(await countStreamingReplies(t.db, bob, { freshSince: 40_000 })).toBe(1);
      expect(await countStreamingReplies(t.db, bob, { freshSince: 0 })).toBe(2);
      expect(await countStreamingReplies(t.db, bob, { freshSince: 0, ignoreConversationId: c.id })).toBe(0);
      expect(await countStreamingReplies(t.db, alice, { freshSince: 0 })).toBe(0);
      await purgeConversation(t.db, bob, c.id);
    });
  });

  describe("the reply writer", () => {
    it("writes the reply while it grows, then its outcome", async () => {
      await ensureConversation(t.db, alice, { id: "chat-writer", model: "glm-5-1" });
      const reply = { text: "", reasoning: "" };
      const writer = await startReplyWriter(t.db, {
        userId: alice,
        conversationId: "chat-writer",
        messageId: "w-a",
        model: "glm-5-1",
        read: () => reply,
        intervalMs: 60_000, // ticks are driven by hand below
      });
      expect((await getMessage(t.db, alice, "w-a"))?.status).toBe("streaming");
      reply.reasoning = "先想";
      reply.text = "第一段";
      writer.tick();
      writer.tick(); // skipped: a write is in flight
      await expect.poll(async () => (await getMessage(t.db, alice, "w-a"))?.text).toBe("第一段");
      expect((await getMessage(t.db, alice, "w-a"))?.parts).toEqual([
        { type: "reasoning", text: "先想", state: "streaming" },
        { type: "text", text: "第一段", state: "streaming" },
      ]);
      reply.text = "第一段，第二段";
      writer.tick();
      expect(
        await writer.finish({
          status: "interrupted",
          text: reply.text,
          reasoning: reply.reasoning,
          finishReason: "aborted",
          usage: usage(3, 4),
        }),
      ).toBe(true);
      const final = await getMessage(t.db, alice, "w-a");
      expect(final).toMatchObject({
        status: "interrupted",
        text: "第一段，第二段",
        parts: [
          { type: "reasoning", text: "先想", state: "done" },
          { type: "text", text: "第一段，第二段", state: "done" },
        ],
        metadata: { model: "glm-5-1", status: "interrupted", finishReason: "aborted", usage: { totalTokens: 7 } },
      });
    });

    it("refuses another user's chat", async () => {
      await expectNotFound(
        startReplyWriter(t.db, {
          userId: bob,
          conversationId: "chat-writer",
          messageId: "w-bob",
          model: "glm-5-1",
          read: () => ({ text: "", reasoning: "" }),
        }),
      );
    });
  });

  describe("owner scoping: another user's ids are not found", () => {
    it("for conversations", async () => {
      await ensureConversation(t.db, alice, { id: "chat-private", title: "机密", model: "glm-5-1" });
      expect(await getConversation(t.db, bob, "chat-private")).toBeUndefined();
      await expectNotFound(ensureConversation(t.db, bob, { id: "chat-private", model: "glm-5-1" }));
      await expectNotFound(renameConversation(t.db, bob, "chat-private", "偷改"));
      await expectNotFound(updateConversationSettings(t.db, bob, "chat-private", { model: "x" }));
      await expectNotFound(softDeleteConversation(t.db, bob, "chat-private"));
      await expectNotFound(restoreConversation(t.db, bob, "chat-private"));
      await expectNotFound(purgeConversation(t.db, bob, "chat-private"));
      expect(await setAutoTitle(t.db, bob, "chat-private", "偷改")).toBeUndefined();
      expect((await listConversations(t.db, bob)).items.map((c) => c.id)).not.toContain("chat-private");
      expect((await getConversation(t.db, alice, "chat-private"))?.title).toBe("机密");
    });

    it("for messages", async () => {
      await appendUserMessage(t.db, alice, "chat-private", { id: "private-msg", parts: text("机密内容") });
      await startAssistantMessage(t.db, alice, "chat-private", { id: "private-reply", model: "glm-5-1" });
      expect(await getMessage(t.db, bob, "private-msg")).toBeUndefined();
      expect(await listMessages(t.db, bob, "chat-private")).toEqual([]);
      await expectNotFound(appendUserMessage(t.db, bob, "chat-private", { id: "intruder", parts: text("x") }));
      // Reusing someone's message id in one's own chat is not found either.
      const own = await ensureConversation(t.db, bob, { model: "glm-5-1" });
      await expectNotFound(appendUserMessage(t.db, bob, own.id, { id: "private-msg", parts: text("x") }));
      await expectNotFound(startAssistantMessage(t.db, bob, "chat-private", { id: "intruder-2", model: "m" }));
      expect(await updateStreamingMessage(t.db, bob, "private-reply", { parts: text("篡改") })).toBe(false);
      expect(
        await finalizeMessage(t.db, bob, "private-reply", { status: "done", parts: text("篡改"), metadata: {} }),
      ).toBe(false);
      await expectNotFound(deleteMessagesFrom(t.db, bob, "chat-private", "private-msg"));
      expect(await getMessage(t.db, alice, "private-reply")).toMatchObject({ status: "streaming", text: "" });
      expect(await searchConversations(t.db, bob, "机密")).toEqual([]);
      await finalizeMessage(t.db, alice, "private-reply", { status: "done", parts: text("好"), metadata: {} });
      await purgeConversation(t.db, bob, own.id);
    });

    it("for images", async () => {
      const image = await insertImage(t.db, alice, {
        mime: "image/png",
        width: 2,
        height: 1,
        bytes: Buffer.from("png"),
      });
      expect(await getImage(t.db, bob, image.id)).toBeUndefined();
      expect(await getImages(t.db, bob, [image.id])).toEqual([]);
      expect(await deleteImage(t.db, bob, image.id)).toBe(false);
      expect((await getImage(t.db, alice, image.id))?.bytes.toString()).toBe("png");
    });

    it("for usage", async () => {
      await insertUsage(t.db, { userId: alice, model: "glm-5-1", usage: usage(100, 50), at: Date.UTC(2031, 0, 1) });
      expect(await tokensUsedOn(t.db, bob, "2031-01-01")).toBe(0);
      expect(await usageByDay(t.db, bob, { fromDay: "2031-01-01", toDay: "2031-01-01" })).toEqual([]);
      expect(await tokensUsedOn(t.db, alice, "2031-01-01")).toBe(150);
    });
  });

  describe("search", () => {
    beforeAll(async () => {
      const c1 = await ensureConversation(t.db, bob, { id: "s-db", title: "数据库索引设计", model: "glm-5-1" });
      await appendUserMessage(t.db, bob, c1.id, { id: "s-db-1", parts: text("怎么给消息表建全文索引？") });
      const c2 = await ensureConversation(t.db, bob, { id: "s-cat", title: "周末计划", model: "glm-5-1" });
      await appendUserMessage(t.db, bob, c2.id, { id: "s-cat-1", parts: text("我家的猫不爱吃饭") });
      await startAssistantMessage(t.db, bob, c2.id, { id: "s-cat-2", model: "glm-5-1" });
      await finalizeMessage(t.db, bob, "s-cat-2", {
        status: "done",
        parts: [{ type: "text", text: "可以试试换一种猫粮，比如 Royal Canin 100% 天然配方。", state: "done" }],
        metadata: {},
      });
      const c3 = await ensureConversation(t.db, bob, { id: "s-en", title: "English notes", model: "glm-5-1" });
      await appendUserMessage(t.db, bob, c3.id, { id: "s-en-1", parts: text("PostgreSQL trigram index") });
    });

    const hitIds = async (query: string) => (await searchConversations(t.db, bob, query)).map((h) => h.conversationId);

    it.each([
      ["猫", ["s-cat"]], // 1 character
      ["猫粮", ["s-cat"]], // 2 characters
      ["全文索引", ["s-db"]], // 3+ characters, message text
      ["索引设计", ["s-db"]], // 3+ characters, title only
      ["索引", ["s-db"]], // 2 characters: title and message
      ["周末", ["s-cat"]], // 2 characters, title
      ["trigram", ["s-en"]],
      ["TRIGRAM", ["s-en"]], // case-insensitive
      ["100%", ["s-cat"]], // LIKE wildcards are literal
      ["_", []],
      ["猫 猫粮", ["s-cat"]], // every term must match
      ["猫 数据库", []],
      ["不存在的内容", []],
    ])("finds %j", async (query, expected) => {
      expect((await hitIds(query)).sort()).toEqual([...expected].sort());
    });

    it("returns the matching message and a snippet around the match", async () => {
      const [hit] = await searchConversations(t.db, bob, "猫粮");
      expect(hit).toMatchObject({ conversationId: "s-cat", title: "周末计划", messageId: "s-cat-2" });
      expect(hit?.snippet).toContain("猫粮");
      const [titleOnly] = await searchConversations(t.db, bob, "索引设计");
      expect(titleOnly).toMatchObject({ messageId: null, snippet: "数据库索引设计" });
    });

    it("leaves out the trash and replies still streaming are found once final", async () => {
      await softDeleteConversation(t.db, bob, "s-db");
      expect(await hitIds("全文索引")).toEqual([]);
      await restoreConversation(t.db, bob, "s-db");
      expect(await hitIds("全文索引")).toEqual(["s-db"]);

      await startAssistantMessage(t.db, bob, "s-en", { id: "s-en-2", model: "glm-5-1" });
      await updateStreamingMessage(t.db, bob, "s-en-2", { parts: text("正在生成的长回答") });
      await finalizeMessage(t.db, bob, "s-en-2", { status: "done", parts: text("最终生成的长回答"), metadata: {} });
      expect(await hitIds("最终生成")).toEqual(["s-en"]);
      expect(await hitIds("正在生成")).toEqual([]);
    });

    it("forgets deleted messages", async () => {
      await deleteMessagesFrom(t.db, bob, "s-en", "s-en-2");
      expect(await hitIds("最终生成")).toEqual([]);
    });
  });

  describe("images", () => {
    it("stores bytes once per user and reads them back", async () => {
      const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
      const a = await insertImage(t.db, bob, { mime: "image/png", width: 640, height: 480, bytes, now: 42 });
      expect(a).toMatchObject({ mime: "image/png", width: 640, height: 480, byteSize: 8, createdAt: 42 });
      expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
      const again = await insertImage(t.db, bob, { mime: "image/png", width: 640, height: 480, bytes });
      expect(again.id).toBe(a.id);
      const stored = await getImage(t.db, bob, a.id);
      expect(Buffer.compare(stored!.bytes, bytes)).toBe(0);
      expect((await getImages(t.db, bob, [a.id, a.id, "missing"])).map((i) => i.id)).toEqual([a.id]);
      // Another user's identical upload is their own image.
      const alices = await insertImage(t.db, alice, { mime: "image/png", width: 640, height: 480, bytes });
      expect(alices.id).not.toBe(a.id);
      expect(await deleteImage(t.db, bob, a.id)).toBe(true);
      expect(await getImage(t.db, bob, a.id)).toBeUndefined();
    });

    it("deletes images no message points at once they are a day old, and keeps the rest", async () => {
      const png = (n: number) => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xaa, n]);
      const upload = (userId: string, n: number, now: number) =>
        insertImage(t.db, userId, { mime: "image/png", width: 1, height: 1, bytes: png(n), now });
      const pointAt = (id: string) => [
        { type: "text" as const, text: "看图" },
        { type: "file" as const, mediaType: "image/png", url: `/api/images/${id}` },
      ];
      const sent = await upload(bob, 1, 500);
      const unsent = await upload(bob, 2, 500);
      const fresh = await upload(bob, 3, 2000);
      const inTrash = await upload(bob, 4, 500);
      const renewed = await upload(bob, 5, 500);
      // Alice's message names Bob's image: only the owner's messages keep an image.
      const namedByOther = await upload(bob, 6, 500);
      await ensureConversation(t.db, bob, { id: "chat-img-sweep", model: "glm-5-1", now: 500 });
      await appendUserMessage(t.db, bob, "chat-img-sweep", { id: "img-sweep-1", parts: pointAt(sent.id) });
      await ensureConversation(t.db, bob, { id: "chat-img-trash", model: "glm-5-1", now: 500 });
      await appendUserMessage(t.db, bob, "chat-img-trash", { id: "img-sweep-2", parts: pointAt(inTrash.id) });
      await softDeleteConversation(t.db, bob, "chat-img-trash");
      await ensureConversation(t.db, alice, { id: "chat-img-alice", model: "glm-5-1", now: 500 });
      await appendUserMessage(t.db, alice, "chat-img-alice", { id: "img-sweep-3", parts: pointAt(namedByOther.id) });
      // The same bytes uploaded again (a new draft): renewed, so not swept from under it.
      expect((await upload(bob, 5, 1600)).id).toBe(renewed.id);

      const now = 1500 + UNSENT_IMAGE_TTL_MS;
      expect(await deleteUnreferencedImages(t.db, { now, limit: 1 })).toBe(1);
      expect(await deleteUnreferencedImages(t.db, { now })).toBe(1);
      expect(await deleteUnreferencedImages(t.db, { now })).toBe(0);
      const left = async (id: string) => (await getImage(t.db, bob, id)) !== undefined;
      expect(await left(unsent.id)).toBe(false);
      expect(await left(namedByOther.id)).toBe(false);
      expect(await left(sent.id)).toBe(true);
      expect(await left(fresh.id)).toBe(true);
      expect(await left(inTrash.id)).toBe(true);
      expect(await left(renewed.id)).toBe(true);
      // Once its chat is purged, nothing points at it any more.
      await purgeConversation(t.db, bob, "chat-img-trash");
      expect(await deleteUnreferencedImages(t.db, { now })).toBe(1);
      expect(await left(inTrash.id)).toBe(false);
    });
  });

  describe("usage", () => {
    it("counts tokens per Shanghai day and once per message", async () => {
      // 2030-03-01 23:30 in Shanghai is 15:30 UTC; 00:30 the next day is 16:30 UTC.
      const lateEvening = Date.UTC(2030, 2, 1, 15, 30);
      const afterMidnight = Date.UTC(2030, 2, 1, 16, 30);
      await insertUsage(t.db, {
        userId: bob,
        messageId: "u-1",
        model: "glm-5-1",
        usage: usage(100, 20),
        at: lateEvening,
      });
      await insertUsage(t.db, {
        userId: bob,
        messageId: "u-1",
        model: "glm-5-1",
        usage: usage(100, 20),
        at: lateEvening,
      });
      await insertUsage(t.db, {
        userId: bob,
        messageId: "u-2",
        model: "glm-5-1",
        usage: usage(7, 3),
        at: afterMidnight,
      });
      await insertUsage(t.db, {
        userId: alice,
        messageId: "u-3",
        conversationId: "gone",
        model: "glm-5-1",
        usage: { promptTokens: 1000, completionTokens: 1, cachedTokens: 600, totalTokens: 1001 },
        at: afterMidnight,
      });
      expect(await tokensUsedOn(t.db, bob, "2030-03-01")).toBe(120);
      expect(await tokensUsedOn(t.db, bob, "2030-03-02")).toBe(10);
      expect(await usageByDay(t.db, bob, { fromDay: "2030-03-01", toDay: "2030-03-02" })).toEqual([
        { day: "2030-03-02", requests: 1, promptTokens: 7, completionTokens: 3, cachedTokens: 0, totalTokens: 10 },
        { day: "2030-03-01", requests: 1, promptTokens: 100, completionTokens: 20, cachedTokens: 0, totalTokens: 120 },
      ]);
      const report = await usageReport(t.db, { fromDay: "2030-03-01", toDay: "2030-03-02" });
      expect(report).toEqual([
        expect.objectContaining({
          day: "2030-03-02",
          email: "alice@example.com",
          totalTokens: 1001,
          cachedTokens: 600,
        }),
        expect.objectContaining({ day: "2030-03-02", email: "bob@example.com", userId: bob, totalTokens: 10 }),
        expect.objectContaining({ day: "2030-03-01", email: "bob@example.com", totalTokens: 120, requests: 1 }),
      ]);
    });
  });

  describe("gateway status", () => {
    it("keeps the latest snapshot", async () => {
      expect(await getGatewayStatus(t.db)).toBeUndefined();
      await saveGatewayStatus(t.db, { limit: 1000, remaining: 999, resetAtMs: 1_800_000_000_000 }, { now: 1 });
      await saveGatewayStatus(t.db, { remaining: 998, keyCredits: 12.5 }, { model: "glm-5-1", now: 2 });
      expect(await getGatewayStatus(t.db)).toEqual({
        remaining: 998,
        keyCredits: 12.5,
        model: "glm-5-1",
        updatedAt: 2,
      });
    });
  });
});
