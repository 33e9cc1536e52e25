import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { cornerColours, near, photoJpeg, QUADRANT_COLOURS, quadrantJpeg, screenshotPng } from "@/test/images";
import { GATEWAY_MAX_IMAGE_BYTES } from "./limits";
import { processUpload } from "./process";

const opts = { maxEdge: 2048 };

async function rejection(input: Uint8Array): Promise<AppError> {
  const err = await processUpload(input, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe("processUpload", () => {
  it("applies EXIF orientation, shrinks to the edge, and strips EXIF and GPS", async () => {
    const out = await processUpload(await quadrantJpeg(4000, 3000, 6), opts);
    expect(out).toMatchObject({ mime: "image/jpeg", width: 1536, height: 2048 });
    const meta = await sharp(out.bytes).metadata();
    expect(meta).toMatchObject({ format: "jpeg", width: 1536, height: 2048 });
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(out.bytes.includes(Buffer.from("GPS"))).toBe(false);
    expect(out.bytes.includes(Buffer.from("TestCam"))).toBe(false);
    // Upright: turned 90° clockwise, the stored bottom-left (blue) is now top-left.
    const corners = await cornerColours(out.bytes);
    expect(near(corners.topLeft, QUADRANT_COLOURS.bottomLeft)).toBe(true);
    expect(near(corners.topRight, QUADRANT_COLOURS.topLeft)).toBe(true);
    expect(near(corners.bottomRight, QUADRANT_COLOURS.topRight)).toBe(true);
  });

  it("re-encodes an already small photo too (metadata goes), keeping its size", async () => {
    const out = await processUpload(await photoJpeg({ width: 800, height: 600, orientation: 1 }), opts);
    expect(out).toMatchObject({ mime: "image/jpeg", width: 800, height: 600 });
    expect((await sharp(out.bytes).metadata()).exif).toBeUndefined();
  });

  it("keeps a screenshot PNG as PNG, and transparency as PNG", async () => {
    const shot = await processUpload(await screenshotPng(1280, 800), opts);
    expect(shot).toMatchObject({ mime: "image/png", width: 1280, height: 800 });
    const logo = await processUpload(await screenshotPng(400, 300, true), opts);
    expect(logo.mime).toBe("image/png");
    expect((await sharp(logo.bytes).metadata()).hasAlpha).toBe(true);
  });

  it("turns a large opaque PNG photo into a JPEG", async () => {
    const png = await sharp(await photoJpeg({ width: 1600, height: 1200, gps: false }))
      .png()
      .toBuffer();
    expect(png.byteLength).toBeGreaterThan(2 * 1024 * 1024);
    expect((await processUpload(png, opts)).mime).toBe("image/jpeg");
  });

  it("stores a GIF's first frame as PNG and a WebP photo as JPEG", async () => {
    const gif = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#f00" } })
      .gif()
      .toBuffer();
    expect(await processUpload(gif, opts)).toMatchObject({ mime: "image/png", width: 40, height: 30 });
    const webp = await sharp(await photoJpeg({ width: 640, height: 480, gps: false }))
      .webp()
      .toBuffer();
    expect(await processUpload(webp, opts)).toMatchObject({ mime: "image/jpeg", width: 640, height: 480 });
  });

  it("refuses by the real type, whatever the file claims to be", async () => {
    expect((await rejection(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toPayload()).toMatchObject({
      code: "image_unsupported_type",
      params: { type: "SVG" },
    });
    expect((await rejection(Buffer.from("%PDF-1.7 …"))).params).toEqual({ type: "PDF" });
    expect((await rejection(Buffer.from("just some text"))).code).toBe("image_unrecognized");
    expect((await rejection(new Uint8Array())).code).toBe("image_unrecognized");
  });

  it("refuses damaged files", async () => {
    const jpeg = await photoJpeg({ width: 640, height: 480 });
    expect((await rejection(jpeg.subarray(0, 20))).code).toBe("image_corrupt");
    expect((await rejection(jpeg.subarray(0, Math.floor(jpeg.byteLength / 2)))).code).toBe("image_corrupt");
  });

  it("refuses over the gateway's limits: 5 MB, 6000 px a side, and decompression bombs", async () => {
    const big = Buffer.alloc(GATEWAY_MAX_IMAGE_BYTES);
    (
      await sharp({ create: { width: 10, height: 10, channels: 3, background: "#000" } })
        .png()
        .toBuffer()
    ).copy(big);
    expect((await rejection(big)).code).toBe("image_too_large");
    const wide = await sharp({ create: { width: 6001, height: 10, channels: 3, background: "#000" } })
      .png()
      .toBuffer();
    expect((await rejection(wide)).toPayload()).toMatchObject({
      code: "image_dimensions_too_large",
      params: { width: 6001, height: 10, max: 6000 },
    });
    // A 1 KB PNG that claims 60000×60000 pixels: refused from the header, never decoded.
    const bomb = Buffer.from(wide);
    bomb.writeUInt32BE(60000, 16);
    bomb.writeUInt32BE(60000, 20);
    expect((await rejection(bomb)).code).toBe("image_dimensions_too_large");
  });
});
