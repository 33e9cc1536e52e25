import { describe, expect, it } from "vitest";
import { IMAGES_LEFT_OUT_TEXT, messageImageIds, toWireMessages, toWireMessagesWithImages } from "@/lib/chat/to-wire";
import type { WireImageSource } from "@/lib/chat/to-wire";
import { AppError } from "@/lib/errors";
import { dataUrlLength } from "./to-data-url";

// The route's wire conversion with images: ids in messages → image_url data URLs, within the budget.

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const file = (n: number, mediaType = "image/jpeg") => ({ type: "file", mediaType, url: `/api/images/${id(n)}` });
const text = (t: string) => ({ type: "text", text: t });
const user = (...parts: Array<{ type: string }>) => ({ role: "user" as const, parts });
const assistant = (t: string) => ({ role: "assistant" as const, parts: [text(t)] });

/** n → image of n*100 bytes, all bytes = n; `missing` ids are not the requester's. */
function source(missing: number[] = []): WireImageSource & { loaded: string[][] } {
  const loaded: string[][] = [];
  const known = (ids: readonly string[]) =>
    ids.map((i) => Number(i.slice(-12))).filter((n) => n > 0 && !missing.includes(n));
  return {
    loaded,
    sizes: async (ids) => known(ids).map((n) => ({ id: id(n), mime: "image/jpeg", byteSize: n * 100 })),
    load: async (ids) => {
      loaded.push([...ids]);
      return known(ids).map((n) => ({ id: id(n), mime: "image/jpeg", bytes: new Uint8Array(n * 100).fill(n) }));
    },
  };
}
const urlOf = (n: number) => `data:image/jpeg;base64,${Buffer.alloc(n * 100, n).toString("base64")}`;
const BIG = 100_000_000;

describe("toWireMessagesWithImages", () => {
  it("turns referenced images into image_url parts before the text, for this turn and earlier ones", async () => {
    const messages = [
      user(file(1), text("这是什么？")),
      assistant("一只猫。"),
      user(file(2), file(3), text("比较一下")),
    ];
    const out = await toWireMessagesWithImages(messages, { system: "简洁", images: source(), budgetBytes: BIG });
    expect(out).toEqual({
      droppedImages: 0,
      sentImages: 3,
      messages: [
        { role: "system", content: "简洁" },
        {
          role: "user",
          content: [
            { type: "image_url", image_url: { url: urlOf(1) } },
            { type: "text", text: "这是什么？" },
          ],
        },
        { role: "assistant", content: "一只猫。" },
        {
          role: "user",
          content: [
            { type: "image_url", image_url: { url: urlOf(2) } },
            { type: "image_url", image_url: { url: urlOf(3) } },
            { type: "text", text: "比较一下" },
          ],
        },
      ],
    });
  });

  it("gives exactly toWireMessages' result for a conversation without images", async () => {
    const messages = [user(text("你好")), assistant(""), assistant("在的"), user(text("再见"))];
    const out = await toWireMessagesWithImages(messages, { system: "s", images: source(), budgetBytes: BIG });
    expect(out.messages).toEqual(toWireMessages(messages, "s"));
  });

  it("an image-only question is a content array with no text part", async () => {
    const out = await toWireMessagesWithImages([user(file(1))], { images: source(), budgetBytes: BIG });
    expect(out.messages).toEqual([{ role: "user", content: [{ type: "image_url", image_url: { url: urlOf(1) } }] }]);
  });

  it("drops the oldest images first when over budget, says how many, and never loads them", async () => {
    const messages = [
      user(file(1), text("a")),
      assistant("x"),
      user(file(2), text("b")),
      assistant("y"),
      user(file(3)),
    ];
    const images = source();
    const budget = dataUrlLength("image/jpeg", 300) + dataUrlLength("image/jpeg", 200);
    const out = await toWireMessagesWithImages(messages, { images, budgetBytes: budget });
    expect(out.droppedImages).toBe(1);
    expect(out.sentImages).toBe(2);
    expect(out.messages[0]).toEqual({ role: "user", content: "a" });
    expect(images.loaded).toEqual([[id(2), id(3)]]);
  });

  it("refuses when the current turn's own images do not fit", async () => {
    const messages = [user(file(1), file(2), text("两张"))];
    const err = await toWireMessagesWithImages(messages, {
      images: source(),
      budgetBytes: dataUrlLength("image/jpeg", 200),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("images_over_budget");
  });

  it("refuses a missing image in this turn (another user's or deleted), skips one in an older turn", async () => {
    const err = await toWireMessagesWithImages([user(file(5), text("?"))], {
      images: source([5]),
      budgetBytes: BIG,
    }).catch((e: unknown) => e);
    expect((err as AppError).code).toBe("image_missing");
    const out = await toWireMessagesWithImages([user(file(5)), assistant("ok"), user(text("next"))], {
      images: source([5]),
      budgetBytes: BIG,
    });
    expect(out.messages[0]).toEqual({ role: "user", content: IMAGES_LEFT_OUT_TEXT });
  });

  it("leaves every image out when asked (send without images for a non-vision model)", async () => {
    const images = source();
    const out = await toWireMessagesWithImages([user(file(1), text("看图")), assistant("ok"), user(file(2))], {
      images,
      budgetBytes: BIG,
      omitImages: true,
    });
    expect(out.messages).toEqual([
      { role: "user", content: "看图" },
      { role: "assistant", content: "ok" },
      { role: "user", content: IMAGES_LEFT_OUT_TEXT },
    ]);
    expect(out).toMatchObject({ droppedImages: 0, sentImages: 0 });
  });

  it("reads only image file parts with our own URLs", () => {
    expect(
      messageImageIds({
        parts: [
          file(1),
          file(2, "application/pdf"),
          { type: "file", mediaType: "image/png", url: "https://evil.example/x.png" },
          { type: "file", mediaType: "image/png", url: `/api/images/${id(3)}/../x` },
          { type: "file", mediaType: "image/png", url: "data:image/png;base64,AAAA" },
          text("x"),
        ],
      }),
    ).toEqual([id(1)]);
  });
});
