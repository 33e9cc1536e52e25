import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS, openTwoUserDatabase, type TestDatabase } from "@/test/db";
import { stopPgCluster } from "@/test/pg-cluster";
import { ensureConversation } from "./queries/conversations";
import { getGatewayStatus, saveGatewayStatus } from "./queries/gateway-status";
import { appendTurnMessages, finalizeMessage, getMessage, updateStreamingMessage } from "./queries/messages";
import { insertUsage, tokensUsedOn } from "./queries/usage";
import { shanghaiDay } from "./day";

// A streaming reply's hot writes (its row while it grows, the final row, usage, the gateway snapshot): on SQLite
// they run as prepared statements outside Kysely; both databases must store the same thing.

afterAll(stopPgCluster);

const text = (t: string) => [{ type: "text" as const, text: t }];
const usage = { promptTokens: 10, completionTokens: 5, cachedTokens: 2, totalTokens: 15 };

describe.each(DIALECTS)("a reply's writes on %s", (dialect) => {
  let t: TestDatabase, alice: string, bob: string;
  beforeAll(async () => ({ t, alice, bob } = await openTwoUserDatabase(dialect)), 60_000);
  afterAll(() => t?.cleanup());

  async function reply(id: string) {
    const chat = await ensureConversation(t.db, alice, { id: `${id}-chat`, model: "glm-5-1" });
    await appendTurnMessages(t.db, alice, chat.id, {
      question: { id: `${id}-q`, parts: text("你好") },
      reply: { id, model: "glm-5-1" },
      now: 1000,
    });
    return chat.id;
  }

  it("rewrites a streaming row, then finalizes it; only its owner can", async () => {
    await reply("r1");
    expect(await updateStreamingMessage(t.db, alice, "r1", { parts: text("你好，"), now: 2000 })).toBe(true);
    expect(await updateStreamingMessage(t.db, bob, "r1", { parts: text("bob"), now: 2500 })).toBe(false);
    expect(await getMessage(t.db, alice, "r1")).toMatchObject({ status: "streaming", text: "你好，", updatedAt: 2000 });
    const metadata = { model: "glm-5-1", createdAt: 1000, status: "done" as const, usage };
    expect(
      await finalizeMessage(t.db, alice, "r1", { status: "done", parts: text("你好，世界"), metadata, now: 3000 }),
    ).toBe(true);
    expect(await getMessage(t.db, alice, "r1")).toMatchObject({
      status: "done",
      text: "你好，世界",
      metadata,
      updatedAt: 3000,
    });
    // A final row is no longer rewritten as streaming.
    expect(await updateStreamingMessage(t.db, alice, "r1", { parts: text("late"), now: 4000 })).toBe(false);
    expect(await finalizeMessage(t.db, bob, "r1", { status: "error", parts: [], metadata, now: 5000 })).toBe(false);
  });

  it("counts a reply's usage once", async () => {
    const chatId = await reply("r2");
    const at = Date.UTC(2026, 10, 27, 4);
    for (let i = 0; i < 2; i++) {
      await insertUsage(t.db, { userId: alice, conversationId: chatId, messageId: "r2", model: "glm-5-1", usage, at });
    }
    await insertUsage(t.db, {
      userId: alice,
      messageId: null,
      model: "glm-5-1",
      usage: { ...usage, totalTokens: 0 },
      at,
    });
    expect(await tokensUsedOn(t.db, alice, shanghaiDay(at))).toBe(30);
  });

  it("keeps one gateway snapshot, the latest", async () => {
    await saveGatewayStatus(t.db, { limit: 100, remaining: 99 }, { model: "glm-5-1", now: 1 });
    await saveGatewayStatus(t.db, { remaining: 98, keyCredits: 12.5 }, { now: 2 });
    expect(await getGatewayStatus(t.db)).toEqual({ remaining: 98, keyCredits: 12.5, updatedAt: 2 });
  });

  it("a write made while another request's transaction is open is not part of it", async () => {
    await reply("r3");
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inside!: () => void;
    const opened = new Promise<void>((resolve) => (inside = resolve));
    const rolledBack = t.db.kysely
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable("messages").set({ updated_at: 9 }).where("id", "=", "r3").execute();
        inside();
        await held;
        throw new Error("roll back");
      })
      .catch((err: Error) => err.message);
    await opened;
    const write = updateStreamingMessage(t.db, alice, "r3", { parts: text("kept"), now: 7000 });
    release();
    expect(await rolledBack).toBe("roll back");
    expect(await write).toBe(true);
    expect(await getMessage(t.db, alice, "r3")).toMatchObject({ status: "streaming", text: "kept", updatedAt: 7000 });
  });
});
