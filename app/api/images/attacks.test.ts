import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bombPng, claimingPng } from "@/test/hostile-images";
import { photoJpeg } from "@/test/images";
import type * as UploadRouteModule from "./route";

// Hostile uploads against POST /api/images with a real database and session: decompression bombs,
// lying headers, wrong magic bytes, truncated and zero-byte files, polyglots, odd formats. Each gets a
// clear 4xx with the AppError message in both languages, nothing is stored, and a normal upload
// still works afterwards.

const ORIGIN = "http://localhost:3000";
const dir = mkdtempSync(path.join(tmpdir(), "glm-chat-image-attacks-"));
const saved: Record<string, string | undefined> = {};
let upload: typeof UploadRouteModule;
let cookie: string;
let userId: string;

beforeAll(async () => {
  const env = {
    DATABASE_URL: `file:${path.join(dir, "app.db")}`,
    BETTER_AUTH_SECRET: "test-secret-0123456789-0123456789-0123456789",
    BETTER_AUTH_URL: ORIGIN,
  };
  for (const [name, value] of Object.entries(env)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  upload = await import("./route");
  const { getAuth } = await import("@/lib/auth");
  const auth = await getAuth();
  const { user } = await auth.api.createUser({
    body: { email: "mallory@example.com", password: "password-123", name: "mallory" },
  });
  userId = user.id;
  const { headers } = await auth.api.signInEmail({
    body: { email: "mallory@example.com", password: "password-123" },
    returnHeaders: true,
  });
  cookie = headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}, 60_000);

afterAll(async () => {
  const { ensureDatabase } = await import("@/lib/db");
  await (await ensureDatabase()).close();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(dir, { recursive: true, force: true });
});

function post(body: Uint8Array, contentType = "image/png"): Promise<Response> {
  return upload.POST(
    new Request(`${ORIGIN}/api/images`, {
      method: "POST",
      headers: { cookie, "content-type": contentType },
      body: new Uint8Array(body),
    }),
  );
}

async function storedCount(): Promise<number> {
  const { ensureDatabase } = await import("@/lib/db");
  const db = await ensureDatabase();
  const row = await db.kysely
    .selectFrom("images")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A JPEG whose frame header (SOF0) claims another size. */
async function jpegClaiming(width: number, height: number): Promise<Buffer> {
  const jpeg = Buffer.from(await photoJpeg({ width: 64, height: 48, gps: false }));
  for (let i = 2; i < jpeg.length - 9; i++) {
    if (jpeg[i] === 0xff && jpeg[i + 1] === 0xc0) {
      jpeg.writeUInt16BE(height, i + 5);
      jpeg.writeUInt16BE(width, i + 7);
      return jpeg;
    }
  }
  throw new Error("no SOF0 in the test JPEG");
}

/** A GIF whose screen is small but whose first frame claims to be huge. */
async function gifWithHugeFrame(): Promise<Buffer> {
  const gif = Buffer.from(
    await sharp({ create: { width: 100, height: 100, channels: 3, background: "#f00" } })
      .gif()
      .toBuffer(),
  );
  const descriptor = gif.indexOf(0x2c, 13);
  gif.writeUInt16LE(60000, descriptor + 5);
  gif.writeUInt16LE(60000, descriptor + 7);
  return gif;
}

interface Attack {
  name: string;
  file: () => Promise<Uint8Array> | Uint8Array;
  status: number;
  code: string;
  contentType?: string;
}

const ATTACKS: Attack[] = [
  { name: "zero bytes", file: () => new Uint8Array(), status: 415, code: "image_unrecognized" },
  {
    name: "a PNG header claiming 30000×30000 (a 100-byte decompression bomb)",
    file: () => claimingPng(30000, 30000),
    status: 413,
    code: "image_dimensions_too_large",
  },
  {
    name: "a PNG header claiming 4294967295×1",
    file: () => claimingPng(0xffffffff, 1),
    status: 413,
    code: "image_dimensions_too_large",
  },
  {
    name: "a real 6001×6001 zero-filled PNG bomb (tens of KB, 36 MP)",
    file: () => bombPng(6001, 6001),
    status: 413,
    code: "image_dimensions_too_large",
  },
  {
    name: "a PNG that claims 5000×5000 but carries 64 bytes of pixels",
    file: () => claimingPng(5000, 5000),
    status: 422,
    code: "image_corrupt",
  },
  { name: "a PNG claiming 0×0", file: () => claimingPng(0, 0), status: 422, code: "image_corrupt" },
  {
    name: "a JPEG frame header claiming 65535×65535",
    file: () => jpegClaiming(65535, 65535),
    status: 413,
    code: "image_dimensions_too_large",
    contentType: "image/jpeg",
  },
  {
    name: "a GIF whose small screen hides a 60000×60000 frame",
    file: gifWithHugeFrame,
    status: 413,
    code: "image_dimensions_too_large",
    contentType: "image/gif",
  },
  {
    name: "a truncated JPEG",
    file: async () => (await photoJpeg({ width: 640, height: 480, gps: false })).subarray(0, 3000),
    status: 422,
    code: "image_corrupt",
    contentType: "image/jpeg",
  },
  {
    name: "a truncated PNG (header only)",
    file: () => bombPng(100, 100).subarray(0, 40),
    status: 422,
    code: "image_corrupt",
  },
  {
    name: "HTML named .png",
    file: () => Buffer.from("<!doctype html><html><script>alert(1)</script></html>"),
    status: 415,
    code: "image_unrecognized",
  },
  {
    name: "SVG sent as image/png",
    file: () =>
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'),
    status: 415,
    code: "image_unsupported_type",
  },
  {
    name: "an XML-prologued SVG",
    file: () => Buffer.from('<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg xmlns="http://www.w3.org/2000/svg"/>'),
    status: 415,
    code: "image_unsupported_type",
  },
  {
    name: "a ZIP named .png",
    file: () => Buffer.from("PK\u0003\u0004\u0014\u0000\u0000\u0000\u0008\u0000zip-content"),
    status: 415,
    code: "image_unrecognized",
  },
  {
    name: "a PDF",
    file: () => Buffer.from("%PDF-1.7\n1 0 obj <<>> endobj"),
    status: 415,
    code: "image_unsupported_type",
  },
  {
    name: "a TIFF",
    file: () =>
      sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } })
        .tiff()
        .toBuffer(),
    status: 415,
    code: "image_unsupported_type",
  },
  {
    name: "a WebP whose VP8X canvas claims 16384×16384",
    file: async () => {
      const webp = Buffer.from(
        await sharp({ create: { width: 8, height: 8, channels: 4, background: "#0000" } })
          .webp({ lossless: true })
          .toBuffer(),
      );
      // RIFF….WEBPVP8X + flags: a canvas of 16384×16384 (stored minus one, 24-bit little endian).
      const vp8x = Buffer.alloc(18);
      vp8x.write("VP8X", 0, "ascii");
      vp8x.writeUInt32LE(10, 4);
      vp8x.writeUIntLE(16383, 12, 3);
      vp8x.writeUIntLE(16383, 15, 3);
      const body = Buffer.concat([Buffer.from("WEBP"), vp8x, webp.subarray(12)]);
      const head = Buffer.from("RIFF\0\0\0\0");
      head.writeUInt32LE(body.byteLength, 4);
      return Buffer.concat([head, body]);
    },
    status: 413,
    code: "image_dimensions_too_large",
    contentType: "image/webp",
  },
  {
    name: "5 MB exactly (the gateway's limit is exclusive)",
    file: () => Buffer.concat([bombPng(10, 10), Buffer.alloc(5 * 1024 * 1024 - bombPng(10, 10).byteLength)]),
    status: 413,
    code: "image_too_large",
  },
];

describe("POST /api/images refuses hostile files", () => {
  it.each(ATTACKS)("$name → $status $code, bilingual, nothing stored", async (attack) => {
    const before = await storedCount();
    const res = await post(await attack.file(), attack.contentType);
    const body = (await res.json()) as {
      error: { code: string; message: { "zh-CN": string; en: string }; params?: Record<string, unknown> };
    };
    expect({ status: res.status, code: body.error.code }).toEqual({ status: attack.status, code: attack.code });
    expect(body.error.message["zh-CN"]).toMatch(/[\u4e00-\u9fff]/);
    expect(body.error.message.en).toMatch(/[a-z]/);
    // Every placeholder was filled in: no "{width}" reaches the reader.
    expect(`${body.error.message["zh-CN"]} ${body.error.message.en}`).not.toMatch(/\{\w+\}/);
    expect(await storedCount()).toBe(before);
  });

  it("names the size the decoder saw when a header understates it (the GIF frame)", async () => {
    const res = await post(await gifWithHugeFrame(), "image/gif");
    const body = (await res.json()) as { error: { params: { width: number; height: number } } };
    expect(body.error.params.width).toBeGreaterThan(6000);
    expect(body.error.params.height).toBeGreaterThan(6000);
  });

  it("decodes a bomb within the limits (6000×6000 zeros) down to the stored size, once", async () => {
    const bomb = bombPng(6000, 6000);
    expect(bomb.byteLength).toBeLessThan(200_000);
    const res = await post(bomb);
    expect(res.status).toBe(201);
    const stored = (await res.json()) as { width: number; height: number; bytes: number };
    expect(Math.max(stored.width, stored.height)).toBeLessThanOrEqual(2048);
  });

  it("re-encodes a polyglot (a PNG with HTML and a ZIP appended): the payload is not stored", async () => {
    const png = await sharp({ create: { width: 10, height: 10, channels: 3, background: "#0f0" } })
      .png()
      .toBuffer();
    const res = await post(Buffer.concat([png, Buffer.from("<html><script>alert(1)</script>PK\u0003\u0004")]));
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const { ensureDatabase } = await import("@/lib/db");
    const { getImage } = await import("@/lib/db/queries/images");
    const image = await getImage(await ensureDatabase(), userId, id);
    expect(image?.mime).toBe("image/png");
    expect(Buffer.from(image!.bytes).includes(Buffer.from("<script>"))).toBe(false);
    expect(Buffer.from(image!.bytes).includes(Buffer.from("PK\u0003\u0004"))).toBe(false);
  });

  it("refuses a burst beyond the waiting room with a retryable 429 instead of queueing without bound", async () => {
    const { MAX_WAITING } = await import("@/lib/images/process");
    const photo = await photoJpeg({ width: 1200, height: 900, gps: false });
    const results = await Promise.all(Array.from({ length: MAX_WAITING + 8 }, () => post(photo, "image/jpeg")));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(MAX_WAITING);
    const refused = results.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    const body = (await refused[0]!.json()) as { error: { code: string; retryable: boolean } };
    expect(body.error).toMatchObject({ code: "images_busy", retryable: true });
    expect(statuses.every((s) => s === 201 || s === 429)).toBe(true);
  });

  it("still takes an ordinary photo after all that", async () => {
    const res = await post(await photoJpeg({ width: 800, height: 600, gps: false }), "image/jpeg");
    expect(res.status).toBe(201);
  });
});
