import { unzipSync, strFromU8 } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VALID_ANNOUNCEMENT } from "@/lib/announcements/fixtures";
import { emptyForm } from "@/lib/announcements/form";
import { createSimulator, type Simulator } from "@/lib/simulator/server";
import { KEY } from "@/test/chat-route";
import { startTestApp, type SignedIn, type TestApp } from "@/test/app";
import { sseJson } from "@/test/sse";
import type * as DocxRoute from "./[id]/docx/route";
import type * as OneRoute from "./[id]/route";
import type * as GenerateRoute from "./generate/route";
import type * as ListRoute from "./route";

// The studio's routes in-process against the simulator: session, form check, the SSE events of a
// generation, the saved announcement, the .docx, and another user's announcement as not found.

const FORM = {
  ...emptyForm("holiday"),
  department: "行政部",
  fields: { holidayName: "元旦", startDate: "2027-01-01", endDate: "2027-01-03" },
};

let sim: Simulator;
let app: TestApp;
let alice: SignedIn;
let bob: SignedIn;
let routes: { generate: typeof GenerateRoute; list: typeof ListRoute; one: typeof OneRoute; docx: typeof DocxRoute };

beforeAll(async () => {
  sim = await createSimulator({ tokensPerSecond: 0 });
  app = await startTestApp("sqlite", { BYTESPIKE_API_KEY: KEY, BYTESPIKE_BASE_URL: `${sim.url}/v1` });
  const [generate, list, one, docx] = await Promise.all([
    import("./generate/route"),
    import("./route"),
    import("./[id]/route"),
    import("./[id]/docx/route"),
  ]);
  routes = { generate, list, one, docx };
  alice = await app.signIn();
  bob = await app.signIn();
}, 60_000);
afterAll(async () => {
  await app?.close();
  await sim?.close();
});

const post = (user: SignedIn | undefined, body: unknown) =>
  routes.generate.POST(
    new Request(`${app.origin}/api/announcements/generate`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(user?.headers ?? {}) },
      body: JSON.stringify(body),
    }),
  );
const ctx = (id: string) => ({ params: Promise.resolve({ id }) });
const get = (user: SignedIn, path: string) => new Request(`${app.origin}${path}`, { headers: user.headers });

describe("POST /api/announcements/generate", () => {
  it("needs a session and a valid form", async () => {
    expect((await post(undefined, { form: FORM })).status).toBe(401);
    const bad = await post(alice, { form: { ...FORM, fields: { ...FORM.fields, endDate: "2026-12-31" } } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_body" } });
    expect(sim.requests()).toHaveLength(0);
  });

  it("streams the reply as events, saves it, and serves it back and as .docx", async () => {
    sim.script([{ kind: "json", content: JSON.stringify(VALID_ANNOUNCEMENT) }]);
    const response = await post(alice, { form: FORM });
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const events = sseJson(await response.text()).filter((e) => e !== "[DONE]");
    expect(events[0]).toMatchObject({ type: "start" });
    expect(events.at(-1)).toMatchObject({ type: "done", version: { seq: 1, status: "ok" } });
    const id = String(events[0]!.announcementId);

    const list = await (await routes.list.GET(get(alice, "/api/announcements"))).json();
    expect(list.items).toEqual([expect.objectContaining({ id, kind: "holiday", title: VALID_ANNOUNCEMENT.title })]);
    const one = await (await routes.one.GET(get(alice, `/api/announcements/${id}`), ctx(id))).json();
    expect(one.announcement.form).toEqual(FORM);

    const docx = await routes.docx.GET(get(alice, `/api/announcements/${id}/docx`), ctx(id));
    expect(docx.headers.get("content-disposition")).toMatch(/attachment; filename=.*\.docx/);
    const xml = strFromU8(unzipSync(new Uint8Array(await docx.arrayBuffer()))["word/document.xml"]!);
    expect(xml).toContain(VALID_ANNOUNCEMENT.title);

    // Someone else's announcement does not exist for them.
    expect((await routes.one.GET(get(bob, `/api/announcements/${id}`), ctx(id))).status).toBe(404);
    expect((await routes.docx.GET(get(bob, `/api/announcements/${id}/docx`), ctx(id))).status).toBe(404);
    expect((await (await routes.list.GET(get(bob, "/api/announcements"))).json()).items).toEqual([]);
    const revise = await post(bob, {
      form: FORM,
      announcementId: id,
      revision: { versionId: String((events.at(-1) as { version: { id: string } }).version.id), instruction: "更正式" },
    });
    expect(sseJson(await revise.text()).at(-1)).toMatchObject({ type: "error", error: { code: "not_found" } });

    const deleted = await routes.one.DELETE(
      new Request(`${app.origin}/api/announcements/${id}`, { method: "DELETE", headers: alice.headers }),
      ctx(id),
    );
    expect(deleted.status).toBe(204);
  });
});
