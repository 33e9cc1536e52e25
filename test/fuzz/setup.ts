import { randomUUID } from "node:crypto";
import sharp from "sharp";
import type { FuzzContext } from "./targets";

// Prepares a running app for fuzzing: accounts created by the admin (a staff member, a throwaway one
// whose session the auth fuzz may end, and targets for the admin routes), and real ids to aim at —
// a conversation with a reply, an uploaded image, a saved announcement.

let ipCounter = 0;
const clientIp = () => {
  const n = (process.pid % 200) * 50_000 + ++ipCounter;
  return `10.${200 + ((n >> 16) & 31)}.${(n >> 8) & 255}.${n & 255}`;
};

async function signIn(baseURL: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${baseURL}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseURL, "x-forwarded-for": clientIp() },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign in as ${email}: ${res.status} ${await res.text()}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

async function call(baseURL: string, cookie: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${baseURL}${path}`, {
    ...init,
    headers: { origin: baseURL, cookie, "content-type": "application/json", ...(init.headers ?? {}) },
  });
}

let accountCounter = 0;
async function createAccount(baseURL: string, admin: string, prefix: string) {
  const email = `${prefix}-${process.pid}-${++accountCounter}-${Date.now().toString(36)}@fuzz.example.com`;
  const password = `fuzz-${Math.random().toString(36).slice(2)}-pw`;
  const res = await call(baseURL, admin, "/api/auth/admin/create-user", {
    method: "POST",
    body: JSON.stringify({ email, password, name: prefix, role: "user" }),
  });
  if (res.status !== 200) throw new Error(`create ${email}: ${res.status} ${await res.text()}`);
  const { user } = (await res.json()) as { user: { id: string } };
  return { id: user.id, email, password };
}

/** Small real images (PNG, JPEG, GIF, WebP): the upload fuzz damages them. */
export async function imageSeeds(): Promise<Uint8Array[]> {
  const base = () => sharp({ create: { width: 24, height: 16, channels: 3, background: "#3a7" } });
  return Promise.all([
    base().png().toBuffer(),
    base().jpeg().toBuffer(),
    base().gif().toBuffer(),
    base().webp().toBuffer(),
  ]);
}

async function chat(baseURL: string, user: string): Promise<string> {
  const chatId = `fuzz-${randomUUID()}`;
  const res = await call(baseURL, user, "/api/chat", {
    method: "POST",
    body: JSON.stringify({
      id: chatId,
      messages: [{ id: randomUUID(), role: "user", parts: [{ type: "text", text: "你好" }] }],
      settings: { maxTokens: 16 },
    }),
  });
  if (res.status !== 200) throw new Error(`chat: ${res.status} ${await res.text()}`);
  await res.text();
  return chatId;
}

async function announcement(baseURL: string, user: string): Promise<{ id: string; versionId: string }> {
  const res = await call(baseURL, user, "/api/announcements/generate", {
    method: "POST",
    body: JSON.stringify({
      form: {
        kind: "product_launch",
        department: "产品部",
        channel: "wecom",
        tone: "formal",
        length: "short",
        language: "zh-CN",
        fields: { productName: "模糊测试", releaseDate: "2026-12-01", highlights: "更快" },
      },
    }),
  });
  if (res.status !== 200) throw new Error(`studio: ${res.status} ${await res.text()}`);
  const events = (await res.text())
    .split("\n\n")
    .filter((frame) => frame.startsWith("data: "))
    .map((frame) => JSON.parse(frame.slice(6)) as { type: string; announcementId?: string; version?: { id: string } });
  const done = events.find((e) => e.type === "done");
  if (!done?.announcementId || !done.version) {
    throw new Error(`studio gave no announcement: ${JSON.stringify(events).slice(0, 300)}`);
  }
  return { id: done.announcementId, versionId: done.version.id };
}

export async function setupFuzzContext(
  baseURL: string,
  admin: { email: string; password: string },
): Promise<FuzzContext> {
  const adminCookie = await signIn(baseURL, admin.email, admin.password);
  const staff = await createAccount(baseURL, adminCookie, "fuzz-staff");
  const throwaway = await createAccount(baseURL, adminCookie, "fuzz-throwaway");
  const targets = [
    await createAccount(baseURL, adminCookie, "fuzz-target"),
    await createAccount(baseURL, adminCookie, "fuzz-target"),
  ];
  const user = await signIn(baseURL, staff.email, staff.password);

  const [png] = await imageSeeds();
  const upload = await call(baseURL, user, "/api/images", {
    method: "POST",
    body: new Uint8Array(png!),
    headers: { "content-type": "image/png" },
  });
  if (upload.status !== 201) throw new Error(`upload: ${upload.status} ${await upload.text()}`);
  const image = (await upload.json()) as { id: string };

  // Conversations with one short reply each (the simulator answers), and saved announcements.
  const conversations = [await chat(baseURL, user), await chat(baseURL, user)];
  const announcements = [await announcement(baseURL, user), await announcement(baseURL, user)];

  return {
    baseURL,
    cookies: { user, admin: adminCookie, throwaway: await signIn(baseURL, throwaway.email, throwaway.password) },
    ids: {
      conversations: [conversations[0]!],
      spareConversations: [conversations[1]!],
      images: [image.id],
      announcements: [announcements[0]!.id],
      spareAnnouncements: [announcements[1]!.id],
      announcementVersions: announcements.map((a) => a.versionId),
      users: targets.map((t) => t.id),
    },
  };
}
