// One streamed POST, timed, for the proxy bench's diagnostic scripts (ab-one.ts, probe-one.ts), and the two
// bodies they send: the gateway's own request (straight to the simulator) and the app's chat request.
import http from "node:http";

const agent = new http.Agent({ keepAlive: true });

export interface Timed {
  /** Wall clock (Date.now) when it was sent, to line it up with the simulator's log. */
  sent: number;
  /** ms from sending to the response head, to the first body text matching `needle`, and to the end. */
  head: number;
  first: number;
  end: number;
}

export function timedPost(
  port: number,
  pathname: string,
  headers: Record<string, string>,
  body: string,
  needle: RegExp,
): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const sent = Date.now();
    const t0 = performance.now();
    let head = 0;
    let first = 0;
    let buf = "";
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: pathname,
        method: "POST",
        agent,
        headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        head = performance.now() - t0;
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          buf += c;
          if (!first && needle.test(buf)) first = performance.now() - t0;
        });
        res.on("end", () => resolve({ sent, head, first, end: performance.now() - t0 }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The first reasoning or text delta: in the gateway's SSE, and in the app's UI message stream. */
export const GATEWAY_DELTA = /"(reasoning_)?content":"[^"]/;
export const APP_DELTA = /"type":"(text|reasoning)-delta"/;

/** A question as the gateway gets it. */
export const gatewayBody = JSON.stringify({
  model: "glm-5-1",
  stream: true,
  user: "u",
  messages: [{ role: "user", content: "请起草一则公告" }],
});

/** The same question as the chat page sends it, in chat `id`. */
export const appBody = (id: string) =>
  JSON.stringify({
    id,
    model: "glm-5-1",
    messages: [{ id: `${id}-q`, role: "user", parts: [{ type: "text", text: "请起草一则公告：下周起网关升级。" }] }],
  });

/** Scripts the simulator's next `times` replies: reasoning, then a short answer, a chunk every 40 ms. */
export async function scriptReplies(simBase: string, times: number): Promise<void> {
  await fetch(`${simBase}/__control/script`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      responses: [
        {
          kind: "stream",
          reasoning: "用户想要一则网关升级公告。先说明升级时间",
          text: "好的公告如下。",
          chunkDelayMs: 40,
          times,
        },
      ],
    }),
  });
}
