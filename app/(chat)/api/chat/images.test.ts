import { createHash } from "node:crypto";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { WireContentPart, WireMessage } from "@/lib/gateway/wire";
import type { UploadedImage } from "@/lib/images/api-types";
import { dataUrlLength } from "@/lib/images/to-data-url";
import { createSimulator, type Simulator } from "@/lib/simulator/server";
import type { SignedIn } from "@/test/app";
import {
  chatRequests,
  expectAppError,
  KEY,
  nextChatId,
  partsOf,
  postChat,
  startChatHarness,
  waitFor,
  type ChatHarness,
} from "@/test/chat-route";
import { DIALECTS } from "@/test/db";
import { noisePng, photoJpeg, screenshotPng } from "@/test/images";
import { stopPgCluster } from "@/test/pg-cluster";
import type * as UploadRouteModule from "@/app/api/images/route";

// Images in POST /api/chat: uploaded once (POST /api/images), referenced by id in the question, stored with
// it, and inlined as image_url data URLs only on the way to the gateway, within the request budget.

const BUDGET = 1_000_000;

let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({ port: 0, tokensPerSecond: 5000, keys: [KEY] });
});
afterAll(async () => {
  await sim?.close();
  await stopPgCluster();
});

const imagePart = (image: Pick<UploadedImage, "url" | "mediaType">, filename?: string) => ({
  type: "file",
  mediaType: image.mediaType,
  url: image.url,
  ...(filename ? { filename } : {}),
});
const question = (id: string, ...parts: unknown[]) => ({ id, role: "user", parts });
// Message ids are unique across all conversations.
let messageCounter = 0;
const messageId = () => `img-m-${Date.now().toString(36)}-${++messageCounter}`;
const text = (t: string) => ({ type: "text", text: t });

function userContent(request: { body: unknown }, nth = -1): WireContentPart[] | string {
  const users = (request.body as { messages: WireMessage[] }).messages.filter((m) => m.role === "user");
  return users.at(nth)!.content as WireContentPart[] | string;
}

const decode = (url: string) => Buffer.from(url.slice(url.indexOf(",") + 1), "base64");

describe.each(DIALECTS)("images in POST /api/chat on %s", { timeout: 60_000 }, (dialect) => {
  let h: ChatHarness;
  let upload: typeof UploadRouteModule;
  let alice: SignedIn;
  let bob: SignedIn;

  beforeAll(async () => {
    h = await startChatHarness(dialect, sim, {
      CHAT_MAX_IMAGES: "2",
      IMAGE_REQUEST_BUDGET_BYTES: String(BUDGET),
      // Bodies here are small; the images themselves never travel in them.
      CHAT_MAX_BODY_BYTES: "65536",
    });
    upload = await import("@/app/api/images/route");
    alice = await h.app.signIn();
    bob = await h.app.signIn();
  });
  afterAll(() => h?.close());
  beforeEach(() => sim.reset());

  async function uploaded(user: SignedIn, bytes: Buffer): Promise<UploadedImage> {
    const response = await upload.POST(
      new Request(`${h.app.origin}/api/images`, {
        method: "POST",
        headers: { ...user.headers, "content-type": "application/octet-stream" },
        body: new Uint8Array(bytes),
      }),
    );
    expect(response.status).toBe(201);
    return (await response.json()) as UploadedImage;
  }

  it("inlines the question's images as data URLs before its text, exactly the stored bytes", async () => {
    const photo = await uploaded(alice, await photoJpeg({ width: 1200, height: 900, orientation: 6 }));
    const shot = await uploaded(alice, await screenshotPng(640, 400));
    sim.script([{ kind: "stream", text: "看到了" }]);
    const { response } = await postChat(h, alice, {
      id: nextChatId(),
      model: "glm-5-1",
      messages: [question(messageId(), imagePart(photo, "IMG_1.jpg"), imagePart(shot), text("这是什么？"))],
    });
    expect(response.status).toBe(200);
    const content = userContent(chatRequests(sim)[0]!) as WireContentPart[];
    expect(content.map((p) => p.type)).toEqual(["image_url", "image_url", "text"]);
    const [first, second] = content as Array<Extract<WireContentPart, { type: "image_url" }>>;
    expect(first!.image_url.url).toMatch(/^data:image\/jpeg;base64,/);
    expect(second!.image_url.url).toMatch(/^data:image\/png;base64,/);
    const bytes = decode(first!.image_url.url);
    const { getImage } = await import("@/lib/db/queries/images");
    const stored = await getImage(h.app.db, alice.id, photo.id);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(stored!.sha256);
    expect(await sharp(bytes).metadata()).toMatchObject({ width: 900, height: 1200 });
  });

  it("accepts a question of images alone, stores it with its images, and sends them again in later turns", async () => {
    const photo = await uploaded(alice, await photoJpeg({ width: 800, height: 600 }));
    const id = nextChatId();
    sim.script([
      { kind: "stream", text: "一张照片" },
      { kind: "stream", text: "还是那张" },
    ]);
    expect(
      (await postChat(h, alice, { id, model: "glm-5-1", messages: [question(messageId(), imagePart(photo))] })).response
        .status,
    ).toBe(200);
    await postChat(h, alice, { id, model: "glm-5-1", messages: [question(messageId(), text("再看一遍"))] });
    const second = chatRequests(sim)[1]!;
    const [earlier, now] = [userContent(second, 0), userContent(second, 1)];
    expect((earlier as WireContentPart[]).map((p) => p.type)).toEqual(["image_url"]);
    expect(now).toBe("再看一遍");
  });

  it("refuses another user's image (as if it did not exist), and stores nothing", async () => {
    const bobs = await uploaded(bob, await screenshotPng(200, 100));
    const id = nextChatId();
    await expectAppError(
      postChat(h, alice, { id, model: "glm-5-1", messages: [question(messageId(), imagePart(bobs), text("偷看"))] }),
      400,
      "image_missing",
    );
    expect(chatRequests(sim)).toHaveLength(0);
    const { listMessages } = await import("@/lib/db/queries/messages");
    expect(await listMessages(h.app.db, alice.id, id)).toEqual([]);
  });

  it("refuses images for a model without vision, unless the reader chose to go on without them", async () => {
    const shot = await uploaded(alice, await screenshotPng(200, 100));
    const error = await expectAppError(
      postChat(h, alice, {
        id: nextChatId(),
        model: "glm-5",
        messages: [question(messageId(), imagePart(shot), text("看图"))],
      }),
      400,
      "model_no_vision",
    );
    expect(error.params).toEqual({ model: "glm-5", visionModel: "glm-5-1" });
    expect(chatRequests(sim)).toHaveLength(0);

    sim.script([{ kind: "stream", text: "好的" }]);
    const { response } = await postChat(h, alice, {
      id: nextChatId(),
      model: "glm-5",
      omitImages: true,
      messages: [question(messageId(), imagePart(shot), text("不看图也行"))],
    });
    expect(response.status).toBe(200);
    expect(userContent(chatRequests(sim)[0]!)).toBe("不看图也行");
  });

  it("refuses more images than CHAT_MAX_IMAGES in one message, and image URLs that are not ours", async () => {
    const shot = await uploaded(alice, await screenshotPng(100, 100));
    await expectAppError(
      postChat(h, alice, {
        id: nextChatId(),
        model: "glm-5-1",
        messages: [question(messageId(), imagePart(shot), imagePart(shot), imagePart(shot))],
      }),
      400,
      "too_many_images",
    );
    for (const url of ["data:image/png;base64,iVBORw0KGgo=", "https://example.com/cat.png", "/api/images/../../etc"]) {
      await expectAppError(
        postChat(h, alice, {
          id: nextChatId(),
          model: "glm-5-1",
          messages: [question(messageId(), { type: "file", mediaType: "image/png", url }, text("?"))],
        }),
        400,
        "invalid_body",
      );
    }
  });

  it("leaves the oldest images out when the conversation's exceed the budget, and says how many", async () => {
    // ~640 KB of noise, ~850 KB as a data URL: one fits the 1 MB budget, two do not.
    const heavy = await uploaded(alice, await noisePng(400, 400));
    expect(dataUrlLength(heavy.mediaType, heavy.bytes)).toBeGreaterThan(BUDGET / 2);
    const id = nextChatId();
    sim.script([
      { kind: "stream", text: "一" },
      { kind: "stream", text: "二" },
    ]);
    await postChat(h, alice, {
      id,
      model: "glm-5-1",
      messages: [question(messageId(), imagePart(heavy), text("第一张"))],
    });
    const { text: stream } = await postChat(h, alice, {
      id,
      model: "glm-5-1",
      messages: [question(messageId(), imagePart(heavy), text("第二张"))],
    });
    const second = chatRequests(sim)[1]!;
    expect(userContent(second, 0)).toBe("第一张");
    expect((userContent(second, 1) as WireContentPart[]).map((p) => p.type)).toEqual(["image_url", "text"]);
    expect(partsOf(stream)[0]).toMatchObject({ type: "start", messageMetadata: { droppedImages: 1 } });
    // The note is stored with the reply, so it is still there after a reload.
    const { listMessages } = await import("@/lib/db/queries/messages");
    const reply = await waitFor(async () => {
      const last = (await listMessages(h.app.db, alice.id, id)).at(-1);
      return last?.status === "done" ? last : undefined;
    }, "the reply's final write");
    expect(reply.metadata.droppedImages).toBe(1);

    // A single question whose own images do not fit is refused before it is stored.
    await expectAppError(
      postChat(h, alice, {
        id: nextChatId(),
        model: "glm-5-1",
        messages: [question(messageId(), imagePart(heavy), imagePart(heavy))],
      }),
      413,
      "images_over_budget",
    );
  });
});
