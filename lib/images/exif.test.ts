import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { cornerColours, near, QUADRANT_COLOURS, quadrantPixels } from "@/test/images";
import { orientationPrefix, withOrientation } from "./exif";
import { processUpload } from "./process";
import { readImageHeader } from "./sniff";

/** A 400×300 JPEG of four coloured quadrants, as stored (to be shown turned 90° clockwise once tagged 6). */
function quadrantJpeg(): Promise<Buffer> {
  return sharp(quadrantPixels(400, 300), { raw: { width: 400, height: 300, channels: 3 } })
    .jpeg()
    .toBuffer();
}

/** A JPEG tagged with orientation 6 reads as such, and the server turns it upright and drops the tag. */
async function expectTaggedSix(tagged: Uint8Array): Promise<void> {
  expect((await sharp(tagged).metadata()).orientation).toBe(6);
  expect(readImageHeader(tagged)).toEqual({ format: "jpeg", width: 400, height: 300, orientation: 6 });
  const upright = await processUpload(tagged, { maxEdge: 2048 });
  expect(upright).toMatchObject({ width: 300, height: 400 });
  expect((await sharp(upright.bytes).metadata()).orientation).toBeUndefined();
  const corners = await cornerColours(upright.bytes);
  expect(near(corners.topLeft, QUADRANT_COLOURS.bottomLeft)).toBe(true);
  expect(near(corners.topRight, QUADRANT_COLOURS.topLeft)).toBe(true);
}

describe("withOrientation", () => {
  it("makes a canvas-style JPEG (JFIF, no EXIF) state its orientation, readable by sharp and by our sniffing", async () => {
    const stored = await quadrantJpeg();
    const tagged = withOrientation(stored, 6);
    expect(tagged.byteLength).toBe(stored.byteLength + 36);
    await expectTaggedSix(tagged);
  });

  it("leaves orientation 1 alone and refuses nonsense", () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
    expect(withOrientation(jpeg, 1)).toBe(jpeg);
    expect(withOrientation(jpeg, 3).byteLength).toBe(40);
    expect(() => withOrientation(jpeg, 9)).toThrow();
    expect(() => withOrientation(new Uint8Array([1, 2, 3]), 6)).toThrow();
  });
});

describe("orientationPrefix", () => {
  it("tags a JFIF JPEG in front of its APP0 (the Blob path: prefix + bytes after SOI), read by sharp, our sniffing and the server", async () => {
    const plain = await quadrantJpeg();
    // A JFIF APP0 right after SOI, as Chromium's canvas encoder writes it (sharp writes none).
    const app0 = [0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
    const stored = Buffer.concat([plain.subarray(0, 2), Buffer.from(app0), plain.subarray(2)]);
    const prefix = orientationPrefix(6);
    const tagged = Buffer.concat([prefix, stored.subarray(2)]);
    expect(tagged.byteLength).toBe(stored.byteLength + 36);
    expect([...tagged.subarray(0, 4)]).toEqual([0xff, 0xd8, 0xff, 0xe1]);
    await expectTaggedSix(tagged);
  });

  it("holds each orientation 2–8 and refuses the rest", () => {
    for (let o = 2; o <= 8; o++) {
      const jpeg = Buffer.concat([
        orientationPrefix(o),
        Buffer.from([0xff, 0xc0, 0, 11, 8, 0, 3, 0, 4, 1, 1, 0x11, 0]),
      ]);
      expect(readImageHeader(jpeg)).toEqual({ format: "jpeg", width: 4, height: 3, orientation: o });
    }
    for (const bad of [0, 1, 9, 2.5]) expect(() => orientationPrefix(bad)).toThrow(RangeError);
  });
});
