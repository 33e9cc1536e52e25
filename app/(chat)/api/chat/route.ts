import { chatPostError, startChatReply } from "@/lib/chat/chat-post";
import { generationResponse } from "@/lib/chat/generate";
// Registers the lean node:http handler for this route (scripts/start.mjs serves POST /api/chat with it).
import "@/lib/chat/node-chat";
import { UI_STREAM_HEADERS } from "@/lib/chat/ui-stream";
import { readJsonBody } from "@/lib/http";

export const dynamic = "force-dynamic";

// parse → session → limits → quota → the turn from the stored conversation → the generation
// (lib/chat/chat-post.ts). `npm start` answers this route without Next's request handling
// (lib/chat/node-chat.ts, same function); this handler serves it under `next dev` and in tests.
export async function POST(req: Request): Promise<Response> {
  try {
    const generation = await startChatReply({ request: req, readJson: (limit) => readJsonBody(req, limit) });
    return generationResponse(generation, { ...UI_STREAM_HEADERS });
  } catch (err) {
    return chatPostError(err).toResponse();
  }
}
