import { requireUser } from "@/lib/auth";
import { generationResponse } from "@/lib/chat/generate";
import { generationRegistry } from "@/lib/chat/generation";
import { UI_STREAM_HEADERS } from "@/lib/chat/ui-stream";
import { ensureDatabase } from "@/lib/db";
import { getConversation } from "@/lib/db/queries/conversations";
import { AppError, toAppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

// Re-attaches a reloaded page to its conversation's running (or just finished) reply: replay, then
// live. 204 tells useChat's resumeStream there is nothing to resume; another user's chat is 404.
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const user = await requireUser(req);
    const { id } = await ctx.params;
    const generation = generationRegistry().get(id);
    if (generation?.ownerId === user.id)
      return generationResponse(generation, { ...UI_STREAM_HEADERS }, { replay: true });
    const conversation = await getConversation(await ensureDatabase(), user.id, id);
    if (!conversation) throw new AppError("not_found");
    return new Response(null, { status: 204 });
  } catch (err) {
    return toAppError(err).toResponse();
  }
}
