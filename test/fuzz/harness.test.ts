import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { send, socketRetries } from "./harness";

// A request reset before the server answered is sent again (a pooled connection the server had just
// closed), but a server that resets every attempt is still a failure.

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/** A server that resets the first `resets` requests (the socket destroyed unanswered), then answers. */
async function resetting(resets: number): Promise<{ base: string; seen: () => number }> {
  let seen = 0;
  server = createServer((req, res) => {
    seen++;
    if (seen <= resets) {
      req.socket.resetAndDestroy();
      return;
    }
    res.setHeader("content-type", "application/json");
    res.end('{"ok":true}');
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, seen: () => seen };
}

describe("the fuzz client", () => {
  it("sends a request again when its connection was reset before an answer", async () => {
    const { base, seen } = await resetting(2);
    const before = socketRetries.count;
    const res = await send(base, { method: "GET", url: "/x", headers: {} }, 5000);
    expect(res).toMatchObject({ status: 200, text: '{"ok":true}' });
    expect(seen()).toBe(3);
    expect(socketRetries.count - before).toBe(2);
  });

  it("fails when every attempt is reset", async () => {
    const { base, seen } = await resetting(Infinity);
    await expect(send(base, { method: "GET", url: "/x", headers: {} }, 5000)).rejects.toThrow(
      /the request failed \(is the server still up\?\)/,
    );
    expect(seen()).toBe(3);
  });
});
