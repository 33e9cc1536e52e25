// Requests `npm start` (scripts/start.mjs) answers itself, before Next sees them.
//
// A request target longer than MAX_URL_BYTES gets 414 with the app's error JSON (code uri_too_long).
// The app's own addresses are short (a search is at most 200 characters), and Next's redirects echo
// the whole address twice (Location and Refresh): from about 8 KB that is more header than common
// HTTP clients accept (Node's fetch stops at 16 KB), so such a request got an answer nobody could read.
// The text must match lib/errors.ts (scripts/request-guard.test.ts checks it).

export const MAX_URL_BYTES = 6 * 1024;
const LIMIT_TEXT = "6 KB";

/** The response for a request target that is too long, or undefined when it is fine. */
export function refuseLongUrl(url) {
  if (Buffer.byteLength(url ?? "", "utf8") <= MAX_URL_BYTES) return undefined;
  return {
    status: 414,
    body: JSON.stringify({
      error: {
        code: "uri_too_long",
        message: {
          "zh-CN": `请求地址过长（上限 ${LIMIT_TEXT}），请缩短链接或搜索内容。`,
          en: `The request address is too long (limit ${LIMIT_TEXT}). Shorten the link or the search.`,
        },
        params: { limit: LIMIT_TEXT },
        retryable: false,
      },
    }),
  };
}
