// (b) Raw pass-through: forwards the request with fetch and pipes the upstream bytes unchanged. The CPU floor.
import { env, readBody, sendResponse, serve } from "./common";

const upstream = env("BENCH_UPSTREAM"); // e.g. http://127.0.0.1:4010/v1
const apiKey = env("BENCH_API_KEY");

serve(async (req, res) => {
  const body = await readBody(req);
  const controller = new AbortController();
  res.on("close", () => controller.abort());
  try {
    const response = await fetch(`${upstream}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", accept: "text/event-stream" },
      body,
      signal: controller.signal,
    });
    await sendResponse(res, response);
  } catch (err) {
    if (!res.headersSent) res.writeHead(502).end(String(err));
    else res.destroy();
  }
});
