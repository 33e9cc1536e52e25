import { toAppError } from "@/lib/errors";
import { generationResponse } from "@/lib/chat/generate";
import { generationRegistry } from "@/lib/chat/generation";
import { readRequesterId } from "@/lib/chat/requester";
import { UI_STREAM_HEADERS } from "@/lib/chat/ui-stream";

export const dynamic = "force-dynamic";

// Re-attaches a reloaded page to a running (or just finished) generation: replay, then live.
// 204 tells useChat's resumeStream there is nothing to resume.
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const { id } = await ctx.params;
    const generation = generationRegistry().get(id);
    if (!generation || generation.ownerId !== readRequesterId(req)) return new Response(null, { status: 204 });
    return generationResponse(generation, { ...UI_STREAM_HEADERS });
  } catch (err) {
    return toAppError(err).toResponse();
  }
}
