import { respond } from "@/lib/api";
import { requireUser } from "@/lib/auth";
import { ensureDatabase } from "@/lib/db";
import { restoreConversation } from "@/lib/db/queries/conversations";
import { assertSameOrigin } from "@/lib/http";
import { toSummary } from "../../summary";

export const dynamic = "force-dynamic";

// Undo of a delete: the conversation leaves the trash, as it was.
export function POST(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return respond("api/conversations/[id]/restore", async () => {
    assertSameOrigin(req);
    const user = await requireUser(req);
    const { id } = await ctx.params;
    const conversation = await restoreConversation(await ensureDatabase(), user.id, id);
    return Response.json({ conversation: toSummary(conversation) });
  });
}
