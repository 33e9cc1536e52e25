import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { DIALECTS, openTwoUserDatabase, type TestDatabase } from "@/test/db";
import { stopPgCluster } from "@/test/pg-cluster";
import { ensureConversation, getConversation } from "./queries/conversations";
import { appendTurnMessages, appendUserMessage, countStreamingReplies, listMessages } from "./queries/messages";

// A turn's question and its reply's row are stored by one call (one transaction on SQLite), in order.

afterAll(stopPgCluster);

const text = (t: string) => [{ type: "text" as const, text: t }];

describe.each(DIALECTS)("a turn's rows on %s", (dialect) => {
  let t: TestDatabase, alice: string, bob: string;
  beforeAll(async () => ({ t, alice, bob } = await openTwoUserDatabase(dialect)), 60_000);
  afterAll(() => t?.cleanup());

  it("stores the question, then the reply as streaming, with consecutive seqs", async () => {
    const chat = await ensureConversation(t.db, alice, { id: "turn-1", model: "glm-5-1" });
    const rows = await appendTurnMessages(t.db, alice, chat.id, {
      question: { id: "turn-1-q", parts: text("你好") },
      reply: { id: "turn-1-a", model: "glm-5-1" },
      now: 1000,
    });
    if (!rows) throw new Error("no rows");
    expect(rows.question).toMatchObject({ id: "turn-1-q", role: "user", status: "done", text: "你好", seq: 1 });
    expect(rows.reply).toMatchObject({
      id: "turn-1-a",
      role: "assistant",
      status: "streaming",
      seq: 2,
      parts: [],
      metadata: { model: "glm-5-1", createdAt: 1000 },
    });
    const stored = await listMessages(t.db, alice, chat.id);
    expect(stored.map((m) => [m.id, m.role, m.status])).toEqual([
      ["turn-1-q", "user", "done"],
      ["turn-1-a", "assistant", "streaming"],
    ]);
    expect((await getConversation(t.db, alice, chat.id))?.messageCount).toBe(2);
    expect(await countStreamingReplies(t.db, alice, { freshSince: 0 })).toBe(1);
  });

  it("without a question (regenerate) stores only the reply, after what is kept", async () => {
    const chat = await ensureConversation(t.db, alice, { id: "turn-2", model: "glm-5-1" });
    await appendUserMessage(t.db, alice, chat.id, { id: "turn-2-q", parts: text("再来一次") });
    const rows = await appendTurnMessages(t.db, alice, chat.id, { reply: { id: "turn-2-a", model: "glm-5-1" } });
    if (!rows) throw new Error("no rows");
    expect(rows.question).toBeUndefined();
    expect(rows.reply.seq).toBe(2);
    expect((await listMessages(t.db, alice, chat.id)).map((m) => m.id)).toEqual(["turn-2-q", "turn-2-a"]);
  });

  it("a resent question is the stored one, not a second copy", async () => {
    const chat = await ensureConversation(t.db, alice, { id: "turn-3", model: "glm-5-1" });
    await appendUserMessage(t.db, alice, chat.id, { id: "turn-3-q", parts: text("双击") });
    const rows = await appendTurnMessages(t.db, alice, chat.id, {
      question: { id: "turn-3-q", parts: text("双击") },
      reply: { id: "turn-3-a", model: "glm-5-1" },
    });
    if (!rows) throw new Error("no rows");
    expect(rows.question).toMatchObject({ id: "turn-3-q", seq: 1 });
    expect((await listMessages(t.db, alice, chat.id)).map((m) => m.id)).toEqual(["turn-3-q", "turn-3-a"]);
  });

  it("someone else's chat: not_found, and nothing is stored (no reply row either)", async () => {
    const chat = await ensureConversation(t.db, alice, { id: "turn-4", model: "glm-5-1" });
    const err = await appendTurnMessages(t.db, bob, chat.id, {
      question: { id: "turn-4-q", parts: text("闯入") },
      reply: { id: "turn-4-a", model: "glm-5-1" },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("not_found");
    expect(await listMessages(t.db, alice, chat.id)).toEqual([]);
    expect(await countStreamingReplies(t.db, bob, { freshSince: 0 })).toBe(0);
    expect((await getConversation(t.db, alice, chat.id))?.messageCount).toBe(0);
  });

  it("creates a new chat with its question and reply; an existing id (anyone's) stores nothing and answers null", async () => {
    const rows = await appendTurnMessages(t.db, alice, "turn-5", {
      chat: { model: "glm-5-1", settings: { thinking: false } },
      question: { id: "turn-5-q", parts: text("新对话") },
      reply: { id: "turn-5-a", model: "glm-5-1" },
      now: 5000,
    });
    expect(rows?.conversation).toMatchObject({
      id: "turn-5",
      model: "glm-5-1",
      settings: { thinking: false },
      title: "",
    });
    expect(rows?.conversation?.titleSource).toBe("auto");
    expect((await listMessages(t.db, alice, "turn-5")).map((m) => [m.id, m.seq])).toEqual([
      ["turn-5-q", 1],
      ["turn-5-a", 2],
    ]);
    // Alice's own chat again, and Bob with Alice's chat id: nothing happens.
    for (const user of [alice, bob]) {
      const again = await appendTurnMessages(t.db, user, "turn-5", {
        chat: { model: "glm-4" },
        question: { id: `turn-5-q-${user}`, parts: text("再来") },
        reply: { id: `turn-5-a-${user}`, model: "glm-4" },
      });
      expect(again).toBeNull();
    }
    expect(await listMessages(t.db, alice, "turn-5")).toHaveLength(2);
    expect(await getConversation(t.db, alice, "turn-5")).toMatchObject({ model: "glm-5-1", messageCount: 2 });
  });

  it("turns and single messages written at once to one chat are numbered 1…n, each once", async () => {
    const chat = await ensureConversation(t.db, alice, { id: "turn-6", model: "glm-5-1" });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => [
        appendTurnMessages(t.db, alice, chat.id, {
          question: { id: `turn-6-q${i}`, parts: text(`问${i}`) },
          reply: { id: `turn-6-a${i}`, model: "glm-5-1" },
        }),
        appendUserMessage(t.db, alice, chat.id, { id: `turn-6-m${i}`, parts: text(`单${i}`) }),
      ]).flat(),
    );
    const stored = await listMessages(t.db, alice, chat.id);
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(new Set(stored.map((m) => m.id)).size).toBe(30);
    // Each reply comes after its question; on SQLite (one transaction) directly after it.
    for (let i = 0; i < 10; i++) {
      const q = stored.find((m) => m.id === `turn-6-q${i}`)!.seq;
      const a = stored.find((m) => m.id === `turn-6-a${i}`)!.seq;
      if (dialect === "sqlite") expect(a).toBe(q + 1);
      else expect(a).toBeGreaterThan(q);
    }
  });
});
