import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UploadedImage } from "@/lib/images/api-types";
import { photoJpeg, screenshotPng } from "@/test/images";
// Types only: the modules are imported after the env points at a throwaway database.
import type * as UploadRouteModule from "./route";
import type * as ImageRouteModule from "./[id]/route";

// POST /api/images and GET /api/images/[id] against a real SQLite database and real sessions.

const ORIGIN = "http://localhost:3000";
const dir = mkdtempSync(path.join(tmpdir(), "glm-chat-images-"));
const saved: Record<string, string | undefined> = {};
let upload: typeof UploadRouteModule;
let image: typeof ImageRouteModule;
let alice: Headers;
let bob: Headers;

async function signedIn(email: string): Promise<Headers> {
  const { getAuth } = await import("@/lib/auth");
  const auth = await getAuth();
  await auth.api.createUser({ body: { email, password: "password-123", name: email.split("@")[0]! } });
  const { headers } = await auth.api.signInEmail({ body: { email, password: "password-123" }, returnHeaders: true });
  const cookie = headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return new Headers({ cookie });
}

beforeAll(async () => {
  const env = {
    DATABASE_URL: `file:${path.join(dir, "app.db")}`,
    BETTER_AUTH_SECRET: "test-secret-0123456789-0123456789-0123456789",
    BETTER_AUTH_URL: ORIGIN,
    IMAGE_MAX_EDGE: "1024",
  };
  for (const [name, value] of Object.entries(env)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  [upload, image] = await Promise.all([import("./route"), import("./[id]/route")]);
  alice = await signedIn("alice@example.com");
  bob = await signedIn("bob@example.com");
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

function post(body: Uint8Array | string, headers: Headers, extra: Record<string, string> = {}): Request {
  const h = new Headers(headers);
  h.set("content-type", "application/octet-stream");
  for (const [k, v] of Object.entries(extra)) h.set(k, v);
  const payload = typeof body === "string" ? body : new Uint8Array(body);
  return new Request(`${ORIGIN}/api/images`, { method: "POST", headers: h, body: payload });
}

const get = (id: string, headers: Headers) =>
  image.GET(new Request(`${ORIGIN}/api/images/${id}`, { headers }), { params: Promise.resolve({ id }) });

async function uploaded(body: Uint8Array, who = alice): Promise<UploadedImage> {
  const res = await upload.POST(post(body, who));
  expect(res.status).toBe(201);
  return (await res.json()) as UploadedImage;
}

describe("POST /api/images", () => {
  it("stores a re-encoded image without metadata, shrunk to IMAGE_MAX_EDGE and turned upright", async () => {
    const body = await uploaded(await photoJpeg({ width: 2000, height: 1500, orientation: 6 }));
    expect(body).toMatchObject({ url: `/api/images/${body.id}`, mediaType: "image/jpeg", width: 768, height: 1024 });
    const res = await get(body.id, alice);
    const bytes = Buffer.from(await res.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect(meta).toMatchObject({ width: 768, height: 1024 });
    expect(meta.exif).toBeUndefined();
    expect(bytes.byteLength).toBe(body.bytes);
  });

  it("stores the same bytes once per user", async () => {
    const png = await screenshotPng(300, 200);
    const first = await uploaded(png);
    const second = await uploaded(png);
    expect(second.id).toBe(first.id);
    expect(first.mediaType).toBe("image/png");
  });

  it("requires a session and a same-origin request", async () => {
    const png = await screenshotPng(64, 64);
    expect((await upload.POST(post(png, new Headers()))).status).toBe(401);
    const cross = await upload.POST(post(png, alice, { origin: "https://evil.example" }));
    expect(cross.status).toBe(403);
    expect(((await cross.json()) as { error: { code: string } }).error.code).toBe("forbidden_origin");
  });

  it("answers refusals with a code and zh-CN/English text", async () => {
    const svg = await upload.POST(post('<svg xmlns="http://www.w3.org/2000/svg"/>', alice));
    expect(svg.status).toBe(415);
    const payload = ((await svg.json()) as { error: { code: string; message: Record<string, string> } }).error;
    expect(payload.code).toBe("image_unsupported_type");
    expect(payload.message["zh-CN"]).toContain("SVG");
    expect(payload.message.en).toContain("SVG");
    const big = await upload.POST(post(new Uint8Array(5 * 1024 * 1024), alice));
    expect(big.status).toBe(413);
    const broken = await upload.POST(post((await photoJpeg({ width: 300, height: 200 })).subarray(0, 300), alice));
    expect(((await broken.json()) as { error: { code: string } }).error.code).toBe("image_corrupt");
  });
});

describe("GET /api/images/[id]", () => {
  it("serves the owner with the right type, nosniff, a year of private caching and an ETag", async () => {
    const body = await uploaded(await screenshotPng(320, 200));
    const res = await get(body.id, alice);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    const etag = res.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const again = new Headers(alice);
    again.set("if-none-match", etag!);
    expect((await get(body.id, again)).status).toBe(304);
  });

  it("is 404 for anyone else, for unknown ids and for malformed ids; 401 without a session", async () => {
    const body = await uploaded(await screenshotPng(100, 80));
    expect((await get(body.id, bob)).status).toBe(404);
    expect((await get("00000000-0000-4000-8000-000000000000", alice)).status).toBe(404);
    expect((await get("../../etc/passwd", alice)).status).toBe(404);
    expect((await get(body.id, new Headers())).status).toBe(401);
  });
});
