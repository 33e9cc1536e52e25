import { describe, expect, it } from "vitest";
import { AppError, parseErrorPayload } from "./errors";

// How the browser reads an error back: the server's payloads keep their code; anything else means
// the connection to this server broke and must not be blamed on the model gateway.

describe("parseErrorPayload", () => {
  it("reads a JSON body and a bare stream payload back into the same code and text", () => {
    const payload = new AppError("upstream_unavailable", { attempts: 4 }).toPayload();
    expect(parseErrorPayload(JSON.stringify({ error: payload }))).toEqual(payload);
    expect(parseErrorPayload(JSON.stringify(payload))).toEqual(payload);
  });

  // Regression: a server killed mid-reply left the page saying 模型网关返回了意外的错误（network error）.
  it.each(["network error", "Failed to fetch", "Load failed", "", "<html><body>502 Bad Gateway</body></html>"])(
    "%j (the browser's own fetch failed, or a proxy answered) is connection_lost",
    (raw) => {
      const payload = parseErrorPayload(raw);
      expect(payload.code).toBe("connection_lost");
      expect(payload.retryable).toBe(true);
      expect(payload.message["zh-CN"]).toBe(
        "与服务器的连接中断，已显示收到的部分。请检查网络后刷新页面查看已保存的回答，或点击重试。",
      );
      expect(payload.message["zh-CN"]).not.toContain("网关");
      expect(payload.message.en).toContain("connection to the server was lost");
    },
  );

  it("an unknown code in an otherwise well-formed payload is connection_lost too", () => {
    expect(parseErrorPayload(JSON.stringify({ error: { code: "no_such_code" } })).code).toBe("connection_lost");
  });
});
