import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import type { WireContentPart, WireMessage } from "@/lib/gateway/wire";
import type { RecordedRequest } from "@/lib/simulator/script-types";
import {
  cornerColours,
  near,
  noisePng,
  photoJpeg,
  QUADRANT_COLOURS,
  quadrantJpeg,
  quadrantPixels,
  screenshotPng,
  skyOverGroundJpeg,
} from "../test/images";
import { expect, saveScreenshot, test } from "./fixtures";
import { Attachments, type FileSpec } from "./pages/attachments";

// Images as vision inputs, end to end: picked, pasted and dropped files are shrunk in the browser's worker,
// uploaded once, and reach the gateway simulator as image_url data URLs; what arrives is decoded with sharp.

let photo: FileSpec;
let screenshot: FileSpec;
let quadrants: FileSpec;
let scratch: string;

test.beforeAll(async () => {
  // A phone photo: 4000×3000 stored landscape, EXIF orientation 6 (portrait when shown) and a GPS position.
  photo = { name: "IMG_2048.jpg", mimeType: "image/jpeg", buffer: await photoJpeg({ orientation: 6, gps: true }) };
  screenshot = { name: "截图 2026-11-27.png", mimeType: "image/png", buffer: await screenshotPng(1280, 800) };
  // Four colours, so that which way up it arrives can be checked, not only its size.
  quadrants = { name: "quadrants.jpg", mimeType: "image/jpeg", buffer: await quadrantJpeg(3000, 2000, 6) };
  scratch = mkdtempSync(path.join(tmpdir(), "glm-chat-images-e2e-"));
});

test.afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** No serious or critical axe violations (WCAG 2.1 A/AA), as in a11y.spec.ts. */
async function expectAccessible(page: Page, state: string) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ rule: v.id, targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
  expect(serious, `axe violations in "${state}"`).toEqual([]);
}

/** The images of the last user message of a recorded gateway request, decoded. */
async function sentImages(request: RecordedRequest) {
  const messages = (request.body as { messages: WireMessage[] }).messages;
  const last = messages.filter((m) => m.role === "user").at(-1)!;
  const parts = (Array.isArray(last.content) ? last.content : []) as WireContentPart[];
  return Promise.all(
    parts
      .filter((p): p is Extract<WireContentPart, { type: "image_url" }> => p.type === "image_url")
      .map(async ({ image_url: { url } }) => {
        const match = /^data:(image\/(?:jpeg|png));base64,(.+)$/.exec(url);
        expect(match, "a base64 data URL").not.toBeNull();
        const bytes = Buffer.from(match![2]!, "base64");
        return { mime: match![1]!, bytes, meta: await sharp(bytes).metadata() };
      }),
  );
}

function imagePartsIn(request: RecordedRequest): number {
  const messages = (request.body as { messages: WireMessage[] }).messages;
  return messages
    .flatMap((m) => (m.role === "user" && Array.isArray(m.content) ? m.content : []))
    .filter((p) => p.type === "image_url").length;
}

test("a photo picked, a screenshot pasted and an image dropped reach the model shrunk, upright and without EXIF", async ({
  page,
  chat,
  sim,
}) => {
  const images = new Attachments(page);
  await chat.goto();
  await images.pick(photo);
  await images.paste(screenshot);
  await images.drop(quadrants);
  await images.expectReady(3);
  await saveScreenshot(page, "images-composer-thumbnails");
  await expectAccessible(page, "tray with three images");

  await chat.askAndWait("这三张图里有什么？");
  const [request] = await sim.chatRequests();
  expect(request!.status).toBe(200);
  const [sentPhoto, sentShot, sentQuadrants] = await sentImages(request!);

  // The photo: shrunk to the 2048 px edge, turned upright (portrait), re-encoded as JPEG, GPS and EXIF gone.
  expect(sentPhoto!.mime).toBe("image/jpeg");
  expect(sentPhoto!.meta).toMatchObject({ format: "jpeg", width: 1536, height: 2048 });
  expect(sentPhoto!.meta.exif).toBeUndefined();
  expect(sentPhoto!.meta.orientation).toBeUndefined();
  expect(sentPhoto!.bytes.includes(Buffer.from("GPS"))).toBe(false);
  expect(sentPhoto!.bytes.includes(Buffer.from("TestCam"))).toBe(false);
  expect(sentPhoto!.bytes.byteLength).toBeLessThan(5 * 1024 * 1024);
  // It was shrunk in parts and joined: no line of it stands out against sharp's own shrink of the
  // original (a seam, or bands swapped, would).
  const errors = await lineErrors(sentPhoto!.bytes, photo.buffer);
  expect(errors.median).toBeLessThan(4);
  expect(errors.worst, JSON.stringify(errors)).toBeLessThan(errors.median * 1.3 + 0.5);
  // The screenshot already fit: still a PNG at its own size (small text stays sharp).
  expect(sentShot!.meta).toMatchObject({ format: "png", width: 1280, height: 800 });
  // The dropped image is upright: turned 90° clockwise, the stored bottom-left (blue) is now top-left.
  expect(sentQuadrants!.meta).toMatchObject({ width: 1365, height: 2048 });
  expect(sentQuadrants!.meta.exif).toBeUndefined();
  const corners = await cornerColours(sentQuadrants!.bytes);
  expect(near(corners.topLeft, QUADRANT_COLOURS.bottomLeft), JSON.stringify(corners)).toBe(true);
  expect(near(corners.topRight, QUADRANT_COLOURS.topLeft), JSON.stringify(corners)).toBe(true);
  expect(near(corners.bottomRight, QUADRANT_COLOURS.topRight), JSON.stringify(corners)).toBe(true);

  // The question shows its images as thumbnails, served to their owner from /api/images/<id>.
  await expect(images.items).toHaveCount(0);
  await expect(images.sentImages).toHaveCount(3);
  const first = images.sentImages.first();
  await first.scrollIntoViewIfNeeded();
  await expect(first.locator("img")).toHaveJSProperty("complete", true);
  expect(await first.locator("img").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1536);
  await saveScreenshot(page, "images-sent-message");

  // Full size in an accessible dialog; Esc closes it and focus returns to the thumbnail.
  await first.click();
  await expect(images.lightbox).toBeVisible();
  await expect(images.lightbox.getByTestId("lightbox-close")).toBeFocused();
  await expect(images.lightbox).toHaveAccessibleName(/IMG_2048\.jpg/);
  await expect(images.lightbox.getByTestId("lightbox-image")).toBeVisible();
  await page.keyboard.press("ArrowRight");
  await expect(images.lightbox).toHaveAccessibleName(/2 \/ 3/);
  await saveScreenshot(page, "images-lightbox");
  await expectAccessible(page, "lightbox open");
  await page.keyboard.press("Escape");
  await expect(images.lightbox).toBeHidden();
  await expect(first).toBeFocused();
});

/** Where each stored quadrant shows, for an EXIF orientation: the displayed (u, v) in [0, 1] → stored (x, y). */
const SHOWN_FROM_STORED: Record<number, (u: number, v: number) => [number, number]> = {
  1: (u, v) => [u, v],
  2: (u, v) => [1 - u, v],
  3: (u, v) => [1 - u, 1 - v],
  4: (u, v) => [u, 1 - v],
  5: (u, v) => [v, u],
  6: (u, v) => [v, 1 - u],
  7: (u, v) => [1 - v, 1 - u],
  8: (u, v) => [1 - v, u],
};

function storedQuadrant([x, y]: [number, number]): keyof typeof QUADRANT_COLOURS {
  return y < 0.5 ? (x < 0.5 ? "topLeft" : "topRight") : x < 0.5 ? "bottomLeft" : "bottomRight";
}

/** The JPEG's marker segments up to its first scan (FFDD is a restart interval). */
function markersBeforeScan(jpeg: Buffer): number[] {
  const markers: number[] = [];
  for (let at = 2; at + 4 <= jpeg.length && jpeg[at] === 0xff; at += 2 + jpeg.readUInt16BE(at + 2)) {
    markers.push(jpeg[at + 1]!);
    if (jpeg[at + 1] === 0xda) break;
  }
  return markers;
}

/**
 * The image bodies the page uploads, as sent. They are Blobs, which the DevTools protocol does not hand over,
 * so the page keeps a copy of each (before it loads); the returned function reads them out.
 */
async function captureUploads(page: Page): Promise<() => Promise<Buffer[]>> {
  await page.addInitScript(() => {
    const uploads: Blob[] = [];
    Object.assign(window, { __uploads: uploads });
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, ...args: Parameters<XMLHttpRequest["send"]>) {
      if (args[0] instanceof Blob) uploads.push(args[0]);
      return send.apply(this, args);
    };
  });
  return async () =>
    (
      await page.evaluate(async () => {
        const blobs = (window as unknown as { __uploads: Blob[] }).__uploads;
        return Promise.all(blobs.map(async (b) => Array.from(new Uint8Array(await b.arrayBuffer()))));
      })
    ).map((bytes) => Buffer.from(bytes));
}

/** How many restart markers (FFD0–FFD7) the JPEG's scan data holds. */
function restartMarkers(jpeg: Buffer): number {
  let count = 0;
  for (let at = jpeg.indexOf(Buffer.from([0xff, 0xda])); at >= 0 && at + 1 < jpeg.length; at++) {
    if (jpeg[at] === 0xff && jpeg[at + 1]! >= 0xd0 && jpeg[at + 1]! <= 0xd7) count++;
  }
  return count;
}

/**
 * Mean absolute difference, per displayed row and column, between an image and sharp's own upright
 * Lanczos shrink of the original to the same size: a seam between two bands would stand out as a line.
 */
async function lineErrors(image: Buffer, original: Buffer, skipRows: [number, number] = [0, 0]) {
  const mine = await sharp(image).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = mine.info;
  const reference = await sharp(original).rotate().resize(width, height, { kernel: "lanczos3" }).raw().toBuffer();
  const rows = new Float64Array(height);
  const columns = new Float64Array(width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const d =
        (Math.abs(mine.data[i]! - reference[i]!) +
          Math.abs(mine.data[i + 1]! - reference[i + 1]!) +
          Math.abs(mine.data[i + 2]! - reference[i + 2]!)) /
        3;
      rows[y]! += d / width;
      columns[x]! += d / height;
    }
  }
  // The outermost lines depend on each resizer's edge handling, not on any seam; so do rows at a hard edge
  // in the picture (`skipRows`): resizers blend across it differently.
  const inner = (a: Float64Array) => Array.from(a.subarray(2, a.length - 2)).sort((p, q) => p - q);
  for (let y = skipRows[0]; y < skipRows[1]; y++) rows[y] = 0;
  const [r, c] = [inner(rows).filter((v) => v > 0), inner(columns)];
  return { median: Math.max(r[r.length >> 1]!, c[c.length >> 1]!), worst: Math.max(r.at(-1)!, c.at(-1)!) };
}

test("photos turned every way are shrunk in parts on two workers, joined into one JPEG, and arrive upright", async ({
  page,
  chat,
  sim,
}) => {
  // Orientation 6 comes as a progressive JPEG: it cannot be decoded by halves.
  const orientations = [1, 3, 8, 2, 5, 6];
  const files = await Promise.all(
    orientations.map(async (o) => ({
      name: `turned-${o}.jpg`,
      mimeType: "image/jpeg",
      buffer:
        o === 6
          ? await sharp(quadrantPixels(3000, 2000), { raw: { width: 3000, height: 2000, channels: 3 } })
              .jpeg({ quality: 90, progressive: true })
              .withMetadata({ orientation: 6 })
              .toBuffer()
          : await quadrantJpeg(3000, 2000, o),
    })),
  );
  const uploads = await captureUploads(page);
  const images = new Attachments(page);
  await chat.goto();
  await images.pick(...files);
  await images.expectReady(orientations.length);

  // What the browser uploaded. A turn without a mirror is cut in parts and joined, with a restart marker at
  // each cut: four parts (the top two from the top half, decoded alone) for a sequential JPEG, two for the
  // progressive one. A mirrored one is encoded in one piece. Each keeps its turn as an EXIF tag.
  const uploaded = await Promise.all(
    (await uploads()).map(async (bytes) => ({ orientation: (await sharp(bytes).metadata()).orientation ?? 1, bytes })),
  );
  expect(uploaded).toHaveLength(orientations.length);
  expect(uploaded.map((u) => u.orientation).sort()).toEqual([...orientations].sort());
  for (const { orientation, bytes } of uploaded) {
    const restarts = { 1: 3, 3: 3, 8: 3, 6: 1 }[orientation] ?? 0;
    expect(markersBeforeScan(bytes).includes(0xdd), `orientation ${orientation}`).toBe(restarts > 0);
    expect(restartMarkers(bytes), `orientation ${orientation}`).toBe(restarts);
  }

  await chat.askAndWait("这几张图的四个角分别是什么颜色？");
  const [request] = await sim.chatRequests();
  const sent = await sentImages(request!);
  expect(sent).toHaveLength(orientations.length);
  for (const [i, orientation] of orientations.entries()) {
    const { meta, bytes } = sent[i]!;
    const turned = orientation >= 5;
    expect(meta).toMatchObject(turned ? { width: 1365, height: 2048 } : { width: 2048, height: 1365 });
    expect(meta.orientation).toBeUndefined();
    const corners = await cornerColours(bytes);
    const at = SHOWN_FROM_STORED[orientation]!;
    const expected = {
      topLeft: QUADRANT_COLOURS[storedQuadrant(at(0.05, 0.05))],
      topRight: QUADRANT_COLOURS[storedQuadrant(at(0.95, 0.05))],
      bottomLeft: QUADRANT_COLOURS[storedQuadrant(at(0.05, 0.95))],
      bottomRight: QUADRANT_COLOURS[storedQuadrant(at(0.95, 0.95))],
    };
    for (const corner of Object.keys(expected) as (keyof typeof expected)[]) {
      expect(near(corners[corner], expected[corner]), `orientation ${orientation}, ${corner}`).toBe(true);
    }
  }
});

test("a photo of clear sky above busy ground is joined from parts without growing, and shows no seam", async ({
  page,
  chat,
  sim,
}) => {
  // The top two parts are all sky: Huffman tables planned from them would fit the ground badly (its codes
  // ~1.5 times as long), so the worker must notice and plan the join from all four parts.
  const original = await skyOverGroundJpeg(4000, 3000);
  const uploads = await captureUploads(page);
  const images = new Attachments(page);
  await chat.goto();
  await images.pick({ name: "天空.jpg", mimeType: "image/jpeg", buffer: original });
  await images.expectReady(1);
  const [upload] = await uploads();
  // Joined from four parts, and within a few % of the same pixels encoded in one piece with tables of
  // their own (Chromium's encoder and sharp's write the same scan for the same pixels and quality).
  expect(restartMarkers(upload!)).toBe(3);
  const pixels = await sharp(upload!).raw().toBuffer({ resolveWithObject: true });
  const onePiece = await sharp(pixels.data, { raw: pixels.info })
    .jpeg({ quality: 85, optimiseCoding: true, chromaSubsampling: "4:2:0" })
    .toBuffer();
  expect(upload!.byteLength).toBeLessThan(onePiece.byteLength * 1.05);

  await chat.askAndWait("天空里有云吗？");
  const [request] = await sim.chatRequests();
  const [sent] = await sentImages(request!);
  expect(sent!.meta).toMatchObject({ format: "jpeg", width: 2048, height: 1536 });
  // The horizon (55% down: output row 845, between the cuts at 768 and 1152) is a hard edge that resizers
  // blend differently; every other row, the cuts included, is as close to sharp's shrink as the rest.
  const errors = await lineErrors(sent!.bytes, original, [840, 850]);
  expect(errors.worst, JSON.stringify(errors)).toBeLessThan(errors.median * 1.3 + 0.5);
});

test("refuses an SVG, a damaged file and a file over 30 MB, each named with what to do", async ({ page, chat }) => {
  const images = new Attachments(page);
  await chat.goto();
  // Real files on disk, as a person would pick them (Playwright does not mix paths with in-memory files).
  const file = (name: string, bytes: Buffer | string) => {
    const at = path.join(scratch, name);
    writeFileSync(at, bytes);
    return at;
  };
  await images.pick(
    file("logo.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>'),
    file("broken.png", screenshot.buffer.subarray(0, 300)),
    // No need for a valid image: the size alone refuses it, before anything is read.
    file("全景照片.jpg", Buffer.alloc(31 * 1024 * 1024, 0x5a)),
  );
  await expect(images.errors).toHaveCount(3);
  await expect(images.items).toHaveCount(0);
  await expect(images.errors.nth(0)).toHaveAttribute("data-reason", "svg");
  await expect(images.errors.nth(0)).toContainText("“logo.svg”是 SVG 矢量图");
  await expect(images.errors.nth(0)).toContainText("导出为 PNG");
  await expect(images.errors.nth(1)).toHaveAttribute("data-reason", "corrupt");
  await expect(images.errors.nth(1)).toContainText("“broken.png”已损坏或不完整");
  await expect(images.errors.nth(2)).toHaveAttribute("data-reason", "too_big");
  await expect(images.errors.nth(2)).toContainText("“全景照片.jpg”超过 30 MB");
  await saveScreenshot(page, "images-refusals");
  await expectAccessible(page, "refusal messages");
  // Each can be dismissed; none of them blocks sending.
  await images.errors.first().getByRole("button").click();
  await expect(images.errors).toHaveCount(2);
  await chat.input.fill("你好");
  await expect(chat.send).toBeEnabled();
});

test("a model without vision: attaching is off with a tooltip naming one that can; with images in the conversation, switching asks", async ({
  page,
  chat,
  sim,
}) => {
  const images = new Attachments(page);
  await chat.goto();

  // Nothing in the conversation yet: the button says which model reads images.
  await chat.pickModel("glm-5");
  await expect(images.button).toHaveAttribute("aria-disabled", "true");
  await expect(images.button).toHaveAccessibleName("glm-5 不支持图片。请切换到 glm-5-1 后再添加图片。");
  await images.button.hover();
  await expect(page.getByText("请切换到 glm-5-1 后再添加图片", { exact: false }).first()).toBeVisible();
  await saveScreenshot(page, "images-non-vision-tooltip");
  // A paste is refused the same way, not sent.
  await images.paste(screenshot);
  await expect(images.errors).toHaveAttribute("data-reason", "no_vision");
  await expect(images.items).toHaveCount(0);
  await images.errors.getByRole("button").click();
  // The server refuses images for such a model too (a stale page, a script): a clear error, never a gateway 400.
  const refused = await page.request.post("/api/chat", {
    data: {
      id: "backstop-1",
      model: "glm-5",
      messages: [
        {
          id: "u1",
          role: "user",
          parts: [
            { type: "file", mediaType: "image/png", url: "/api/images/00000000-0000-4000-8000-000000000001" },
            { type: "text", text: "?" },
          ],
        },
      ],
    },
  });
  expect(refused.status()).toBe(400);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("model_no_vision");

  // Images in the conversation, then a switch to a model without vision: it asks.
  await chat.pickModel("glm-5-1");
  await images.pick(quadrants);
  await images.expectReady(1);
  await chat.askAndWait("看看这张图");
  await chat.pickModel("glm-5");
  await expect(images.visionNotice).toBeVisible();
  await expect(images.visionNotice).toContainText("要切换回 glm-5-1，还是不带图片发送？");
  await chat.input.fill("继续说");
  await expect(chat.send).toBeDisabled();
  await saveScreenshot(page, "images-vision-notice");
  await expectAccessible(page, "vision question");

  // Switch back: the notice goes, the model is the vision one again.
  await images.visionNotice.getByTestId("vision-switch-back").click();
  await expect(chat.modelPicker).toHaveText("glm-5-1");
  await expect(images.visionNotice).toBeHidden();

  // Or go on without the images: the next request carries none, and the gateway answers normally.
  await chat.pickModel("glm-5");
  await images.visionNotice.getByTestId("vision-send-without").click();
  await expect(images.visionNotice).toBeHidden();
  await chat.askAndWait("不看图，继续说");
  const requests = await sim.chatRequests();
  const last = requests.at(-1)!;
  expect(last.status).toBe(200);
  expect((last.body as { model: string }).model).toBe("glm-5");
  expect(imagePartsIn(last)).toBe(0);
  expect(imagePartsIn(requests[0]!)).toBe(1);
});

test("older images beyond the request budget are left out, oldest first, and the reply says so", async ({
  page,
  chat,
  sim,
}) => {
  const images = new Attachments(page);
  // About 4.5 MB each: three data URLs (18 MB) pass IMAGE_REQUEST_BUDGET_BYTES (16 MB by default), two do not.
  const heavy: FileSpec = { name: "noise.png", mimeType: "image/png", buffer: await noisePng(1060, 1060) };
  await chat.goto();
  for (const turn of ["第一张", "第二张", "第三张"]) {
    await images.pick(heavy);
    await images.expectReady(1);
    await chat.askAndWait(turn);
  }
  const requests = await sim.chatRequests();
  expect(requests.map(imagePartsIn)).toEqual([1, 2, 2]);
  await expect(images.droppedNote).toHaveCount(1);
  await expect(chat.assistant()).toContainText("较早的 1 张图片未发送给模型（超出请求大小上限）");
});
