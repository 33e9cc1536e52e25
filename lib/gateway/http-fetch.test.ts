import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openChatStream } from "./client";
import { gatewayFetch } from "./http-fetch";

// The gateway client's transport against a real node:http server: what it sends, that consecutive requests share
// one kept-alive connection, and that failures and aborts surface as fetch's would.

let server: http.Server;
let base = "";
let connections = 0;
const seen: Array<{ method: string; headers: http.IncomingHttpHeaders; body: string }> = [];
/** Responses that must end only when the test says so. */
const held: http.ServerResponse[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", headers: req.headers, body });
      if (req.url === "/empty") return void res.writeHead(204).end();
      if (req.url === "/hold") {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("data: first\n\n");
        held.push(res);
        return;
      }
      if (req.url === "/drop") {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("data: first\n\n");
        setTimeout(() => res.socket?.destroy(), 10);
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream", "x-ratelimit-remaining": "7" });
      res.end(`data: ${body}\n\n`);
    });
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of held) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("gatewayFetch", () => {
  it("posts the body with its headers and gives back status, headers and the streamed body", async () => {
    const res = await gatewayFetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk-test", "content-type": "application/json" },
      body: '{"q":"你好"}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ratelimit-remaining")).toBe("7");
    expect(await res.text()).toBe('data: {"q":"你好"}\n\n');
    const request = seen.at(-1)!;
    expect(request).toMatchObject({ method: "POST", body: '{"q":"你好"}' });
    expect(request.headers).toMatchObject({ authorization: "Bearer sk-test", "content-length": "14" });
  });

  it("sends consecutive requests over one kept-alive connection", async () => {
    const before = connections;
    for (let i = 0; i < 3; i++) {
      const res = await gatewayFetch(`${base}/again`, { method: "POST", body: String(i) });
      expect(await res.text()).toBe(`data: ${i}\n\n`);
    }
    expect(connections - before).toBeLessThanOrEqual(1);
  });

  it("gives a bodiless status a null body", async () => {
    const res = await gatewayFetch(`${base}/empty`, { method: "POST", body: "" });
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
  });

  it("rejects a refused connection with fetch's TypeError", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(gatewayFetch(`http://127.0.0.1:${port}/x`, { method: "POST", body: "{}" })).rejects.toThrow(TypeError);
  });

  it("rejects with the signal's reason when aborted before or while waiting", async () => {
    const reason = new DOMException("stopped", "AbortError");
    await expect(
      gatewayFetch(`${base}/x`, { method: "POST", body: "{}", signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
  });

  it("errors the body's reader with the abort reason mid-stream, and ends the connection", async () => {
    const controller = new AbortController();
    const res = await gatewayFetch(`${base}/hold`, { method: "POST", body: "{}", signal: controller.signal });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("data: first\n\n");
    const reason = new DOMException("stopped", "AbortError");
    controller.abort(reason);
    await expect(reader.read()).rejects.toBe(reason);
    const open = held.at(-1)!;
    await vi.waitFor(() => expect(open.destroyed || open.socket === null || open.socket.destroyed).toBe(true));
  });

  it("errors the body with a TypeError when the connection drops mid-stream", async () => {
    const res = await gatewayFetch(`${base}/drop`, { method: "POST", body: "{}" });
    const reader = res.body!.getReader();
    await reader.read();
    await expect(reader.read()).rejects.toThrow(TypeError);
  });
});

describe("openChatStream's default transport", () => {
  it("is gatewayFetch, not the global fetch (which Next wraps in its own bookkeeping)", async () => {
    const globalFetch = vi.fn(() => Promise.reject(new Error("the global fetch was used")));
    vi.stubGlobal("fetch", globalFetch);
    try {
      const stream = await openChatStream(
        { model: "glm-5-1", messages: [{ role: "user", content: "你好" }] },
        { signal: new AbortController().signal, target: { baseUrl: `${base}/v1`, apiKey: "sk-test" } },
      );
      expect(stream.attempts).toBe(1);
      expect(globalFetch).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
