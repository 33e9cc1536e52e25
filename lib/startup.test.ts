import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestUser, openTestDatabase, type TestDatabase } from "@/test/db";
import { ensureConversation, getConversation, softDeleteConversation } from "./db/queries/conversations";
import { getImage, insertImage, UNSENT_IMAGE_TTL_MS } from "./db/queries/images";
import { appendUserMessage } from "./db/queries/messages";
import { TRASH_KEEP_MS, tidyStorage } from "./startup";

describe("tidying the storage", () => {
  let t: TestDatabase;
  let user: string;
  beforeAll(async () => {
    t = await openTestDatabase("sqlite");
    user = await createTestUser(t, "tidy@example.com");
  }, 60_000);
  afterAll(() => t?.cleanup());

  it("purges chats deleted past their undo window and images no message points at, in batches", async () => {
    const start = Date.UTC(2030, 0, 1);
    const now = start + TRASH_KEEP_MS + UNSENT_IMAGE_TTL_MS;
    await ensureConversation(t.db, user, { id: "tidy-old", model: "glm-5-1", now: start });
    await softDeleteConversation(t.db, user, "tidy-old", start);
    await ensureConversation(t.db, user, { id: "tidy-kept", model: "glm-5-1", now: start });
    const upload = (n: number) =>
      insertImage(t.db, user, {
        mime: "image/png",
        width: 1,
        height: 1,
        bytes: Buffer.from([0x89, n >> 8, n]),
        now: start,
      });
    // More than one batch (500) of unsent images, and one that a kept chat's message points at.
    const unsent = await Promise.all(Array.from({ length: 503 }, (_, i) => upload(i)));
    const sent = await upload(9999);
    await appendUserMessage(t.db, user, "tidy-kept", {
      id: "tidy-msg",
      parts: [{ type: "file", mediaType: "image/png", url: `/api/images/${sent.id}` }],
    });

    expect(await tidyStorage(t.db, now)).toEqual({ chats: 1, images: 503 });
    expect(await getConversation(t.db, user, "tidy-old", { includeDeleted: true })).toBeUndefined();
    expect(await getConversation(t.db, user, "tidy-kept")).toBeDefined();
    expect(await getImage(t.db, user, unsent[0]!.id)).toBeUndefined();
    expect(await getImage(t.db, user, sent.id)).toBeDefined();
    expect(await tidyStorage(t.db, now)).toEqual({ chats: 0, images: 0 });
  });
});
