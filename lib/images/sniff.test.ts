import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { photoJpeg, quadrantJpeg } from "@/test/images";
import { orientedSize, readImageHeader, sniffFormat } from "./sniff";

const bytes = (text: string) => new TextEncoder().encode(text);
const solid = (format: "png" | "webp" | "gif" | "jpeg", width = 30, height = 20, alpha = false) =>
  sharp({ create: { width, height, channels: alpha ? 4 : 3, background: { r: 10, g: 20, b: 30, alpha: 0.5 } } })
    .toFormat(format)
    .toBuffer();

describe("sniffFormat", () => {
  it("recognises the input formats by their magic bytes, not by name", async () => {
    expect(sniffFormat(await solid("jpeg"))).toBe("jpeg");
    expect(sniffFormat(await solid("png"))).toBe("png");
    expect(sniffFormat(await solid("webp"))).toBe("webp");
    expect(sniffFormat(await solid("gif"))).toBe("gif");
  });

  it("names the formats it refuses, so the message can say what to do", () => {
    expect(sniffFormat(bytes("%PDF-1.7\n%âãÏÓ"))).toBe("pdf");
    expect(sniffFormat(bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe("svg");
    expect(sniffFormat(bytes('\uFEFF  <?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg></svg>'))).toBe("svg");
    expect(sniffFormat(bytes("BM6\0\0\0"))).toBe("bmp");
    expect(sniffFormat(bytes("II*\0\x08\0\0\0"))).toBe("tiff");
    const ftyp = (brand: string, compatible: string) =>
      new Uint8Array([0, 0, 0, 24, ...bytes(`ftyp${brand}`), 0, 0, 0, 0, ...bytes(compatible), ...bytes("mif1")]);
    expect(sniffFormat(ftyp("heic", "heic"))).toBe("heic");
    expect(sniffFormat(ftyp("mif1", "heic"))).toBe("heic");
    expect(sniffFormat(ftyp("avif", "avif"))).toBe("avif");
  });

  it("returns null for anything else (text, HTML, an empty file, an MP4)", () => {
    expect(sniffFormat(bytes("hello, world"))).toBeNull();
    expect(sniffFormat(bytes("<html><body>x</body></html>"))).toBeNull();
    expect(sniffFormat(new Uint8Array())).toBeNull();
    expect(
      sniffFormat(new Uint8Array([0, 0, 0, 24, ...bytes("ftypisom"), 0, 0, 0, 0, ...bytes("isomiso2")])),
    ).toBeNull();
  });
});

describe("readImageHeader", () => {
  it("reads width and height of each input format", async () => {
    for (const format of ["jpeg", "png", "webp", "gif"] as const) {
      expect(readImageHeader(await solid(format, 321, 123)), format).toMatchObject({ format, width: 321, height: 123 });
    }
    expect(readImageHeader(await solid("webp", 64, 48, true))).toMatchObject({ width: 64, height: 48 });
    const lossless = await sharp({ create: { width: 50, height: 70, channels: 3, background: "#123" } })
      .webp({ lossless: true })
      .toBuffer();
    expect(readImageHeader(lossless)).toMatchObject({ width: 50, height: 70 });
  });

  it("reads the EXIF orientation of a camera JPEG, and turns the size for orientations 5–8", async () => {
    const header = readImageHeader(await quadrantJpeg(400, 300, 6));
    expect(header).toEqual({ format: "jpeg", width: 400, height: 300, orientation: 6 });
    expect(orientedSize(header!)).toEqual({ width: 300, height: 400 });
    expect(readImageHeader(await quadrantJpeg(400, 300, 3))?.orientation).toBe(3);
    expect(orientedSize({ width: 400, height: 300, orientation: 3 })).toEqual({ width: 400, height: 300 });
    expect(readImageHeader(await photoJpeg({ width: 64, height: 48, gps: false }))?.orientation).toBe(1);
  });

  it("returns null for a truncated header or a format it does not read", async () => {
    const jpeg = await photoJpeg({ width: 64, height: 48 });
    expect(readImageHeader(jpeg.subarray(0, 40))).toBeNull();
    expect(readImageHeader((await solid("png")).subarray(0, 16))).toBeNull();
    expect(readImageHeader(bytes("%PDF-1.4"))).toBeNull();
  });
});
