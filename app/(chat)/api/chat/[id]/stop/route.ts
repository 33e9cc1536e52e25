import { requireUser } from "@/lib/auth";
import { generationRegistry } from "@/lib/chat/generation";
import { AppError, toAppError } from "@/lib/errors";
import { assertSameOrigin } from "@/lib/http";

export const dynamic = "force-dynamic";

// The explicit Stop: the only thing that ends a generation early (a closed or reloaded tab does not).
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    assertSameOrigin(req);
    const user = await requireUser(req);
    const { id } = await ctx.params;
    const generation = generationRegistry().get(id);
    // Another user's generation answers exactly like a missing one.
    if (!generation || generation.ownerId !== user.id) throw new AppError("not_found");
    const wasRunning = !generation.done;
    generation.stop();
    return Response.json({ stopped: wasRunning });
  } catch (err) {
    return toAppError(err).toResponse();
  }
}
