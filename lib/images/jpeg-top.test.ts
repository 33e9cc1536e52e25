import sharp, { type JpegOptions } from "sharp";
import { describe, expect, it } from "vitest";
import { photoPixels } from "../../test/images";
import { jpegTop } from "./jpeg-top";

async function jpeg(width: number, height: number, options: JpegOptions = {}): Promise<Uint8Array> {
  const raw = photoPixels(width, height, 7);
  return new Uint8Array(
    await sharp(raw, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 85, ...options })
      .toBuffer(),
  );
}

async function decode(bytes: Uint8Array) {
  return sharp(bytes).raw().toBuffer({ resolveWithObject: true });
}

describe("jpegTop", () => {
  it("decodes to the picture's top rows, rounded up to whole MCU rows, the same pixels as the whole", async () => {
    const whole = await jpeg(320, 240, { chromaSubsampling: "4:2:0" });
    const top = jpegTop(whole, 100)!;
    expect(top.rows).toBe(112); // 7 MCU rows of 16
    const [a, b] = await Promise.all([decode(top.jpeg), decode(whole)]);
    expect(a.info).toMatchObject({ width: 320, height: 112 });
    // The last two rows' chroma is upsampled against what follows them in the whole picture.
    const rowBytes = 320 * 3;
    expect(Buffer.compare(a.data.subarray(0, 110 * rowBytes), b.data.subarray(0, 110 * rowBytes))).toBe(0);
    // The input is left as it was.
    expect((await decode(whole)).info.height).toBe(240);
  });

  it("rounds to 8 rows where chroma is not subsampled, and for greyscale", async () => {
    expect(jpegTop(await jpeg(64, 64, { chromaSubsampling: "4:4:4" }), 20)!.rows).toBe(24);
    const grey = new Uint8Array(
      await sharp(photoPixels(64, 64, 3), { raw: { width: 64, height: 64, channels: 3 } })
        .greyscale()
        .jpeg()
        .toBuffer(),
    );
    const top = jpegTop(grey, 9)!;
    expect(top.rows).toBe(16);
    expect((await decode(top.jpeg)).info).toMatchObject({ width: 64, height: 16 });
  });

  it("refuses what a decoder would not stop early on, or where nothing would be saved", async () => {
    const whole = await jpeg(64, 64);
    expect(jpegTop(whole, 64)).toBeNull();
    expect(jpegTop(whole, 0)).toBeNull();
    expect(jpegTop(await jpeg(64, 64, { progressive: true }), 16)).toBeNull();
    expect(jpegTop(new Uint8Array([0x89, 0x50, 0x4e, 0x47]), 16)).toBeNull();
    expect(jpegTop(whole.subarray(0, 100), 16)).toBeNull();
  });
});
