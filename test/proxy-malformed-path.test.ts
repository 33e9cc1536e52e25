import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { proxy } from "@/proxy";

// Regression (found by the route fuzzer): a path with a broken %-escape made Next.js answer a bare
// 500 while decoding the route's params. The proxy refuses it first, as a 400 in the AppError shape.

describe("proxy: a path that cannot be decoded", () => {
  it.each(["/api/conversations/abc%", "/api/auth/%", "/api/images/%E0%A4%A.png", "/c/%zz"])(
    "%s → 400 invalid_body, in both languages",
    async (path) => {
      const res = proxy(new NextRequest(`http://localhost:3000${path}`));
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: Record<string, string> } };
      expect(body.error.code).toBe("invalid_body");
      expect(body.error.message["zh-CN"]).toContain("请求格式不正确");
      expect(body.error.message.en).toContain("malformed");
    },
  );

  it("lets a well-formed escaped path through to the session check", () => {
    const res = proxy(new NextRequest("http://localhost:3000/api/conversations/abc%25"));
    expect(res.status).toBe(401);
  });
});

// Regression (found by the route fuzzer): a POST with a malformed multipart body to any page (the
// not-found page included) made Next.js answer a bare 500 while reading it as a form action.
describe("proxy: multipart POSTs", () => {
  const post = (path: string, contentType: string) =>
    proxy(
      new NextRequest(`http://localhost:3000${path}`, {
        method: "POST",
        headers: { "content-type": contentType, cookie: "glm-chat.session_token=x.y" },
        body: "garbage",
      }),
    );

  it.each(["/api/chat/stop", "/no-such-page", "/x.png", "/api/images"])("%s → 400 invalid_body", async (path) => {
    const res = post(path, "multipart/form-data; boundary=x");
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: Record<string, string> } };
    expect(body.error.code).toBe("invalid_body");
    expect(body.error.message.en).toContain("multipart/form-data");
  });

  it("leaves better-auth's endpoints and other content types alone", () => {
    expect(post("/api/auth/sign-in/email", "multipart/form-data; boundary=x").status).toBe(200);
    expect(post("/api/chat", "application/json").status).toBe(200);
  });
});

// Regression (found by the soak fuzz): a server-action request whose Origin is not a URL made
// Next.js's own origin check throw and answer a bare 500.
describe("proxy: a server action with an unparseable Origin", () => {
  it.each(["", "null", "::::", "http://"])("origin %j → 403 forbidden_origin", async (origin) => {
    const res = proxy(
      new NextRequest("http://localhost:3000/", {
        method: "POST",
        headers: { "next-action": "", origin, cookie: "glm-chat.session_token=x.y", "content-type": "text/plain" },
        body: "[]",
      }),
    );
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden_origin");
  });

  it("lets a server action from our own origin through", () => {
    const res = proxy(
      new NextRequest("http://localhost:3000/", {
        method: "POST",
        headers: { "next-action": "abc", origin: "http://localhost:3000", cookie: "glm-chat.session_token=x.y" },
        body: "[]",
      }),
    );
    expect(res.status).toBe(200);
  });
});
