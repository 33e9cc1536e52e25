import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { cornerColours, near, QUADRANT_COLOURS, quadrantPixels } from "@/test/images";
import { withOrientation } from "./exif";
import { processUpload } from "./process";
import { readImageHeader } from "./sniff";

describe("withOrientation", () => {
  it("makes a canvas-style JPEG (JFIF, no EXIF) state its orientation, readable by sharp and by our sniffing", async () => {
    // As stored: 400×300, to be shown turned 90° clockwise.
    const stored = await sharp(quadrantPixels(400, 300), { raw: { width: 400, height: 300, channels: 3 } })
      .jpeg()
      .toBuffer();
    const tagged = withOrientation(stored, 6);
    expect(tagged.byteLength).toBe(stored.byteLength + 36);
    expect((await sharp(tagged).metadata()).orientation).toBe(6);
    expect(readImageHeader(tagged)).toEqual({ format: "jpeg", width: 400, height: 300, orientation: 6 });
    // The server turns it upright and drops the tag.
    const upright = await processUpload(tagged, { maxEdge: 2048 });
    expect(upright).toMatchObject({ width: 300, height: 400 });
    expect((await sharp(upright.bytes).metadata()).orientation).toBeUndefined();
    const corners = await cornerColours(upright.bytes);
    expect(near(corners.topLeft, QUADRANT_COLOURS.bottomLeft)).toBe(true);
    expect(near(corners.topRight, QUADRANT_COLOURS.topLeft)).toBe(true);
  });

  it("leaves orientation 1 alone and refuses nonsense", () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
    expect(withOrientation(jpeg, 1)).toBe(jpeg);
    expect(withOrientation(jpeg, 3).byteLength).toBe(40);
    expect(() => withOrientation(jpeg, 9)).toThrow();
    expect(() => withOrientation(new Uint8Array([1, 2, 3]), 6)).toThrow();
  });
});
