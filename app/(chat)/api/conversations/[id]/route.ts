import { parseBody, respond } from "@/lib/api";
import { requireUser } from "@/lib/auth";
import { ensureDatabase } from "@/lib/db";
import { getConversation, renameConversation, softDeleteConversation } from "@/lib/db/queries/conversations";
import { listMessages, toUIMessage } from "@/lib/db/queries/messages";
import { AppError } from "@/lib/errors";
import { assertSameOrigin } from "@/lib/http";
import { renameSchema } from "../schema";
import { toSummary } from "../summary";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

// One conversation of the user's: read it with its messages, rename it, or move it to the trash
// (undone by POST …/restore). Another user's id is not found.

export function GET(req: Request, ctx: Ctx): Promise<Response> {
  return respond("api/conversations/[id]", async () => {
    const user = await requireUser(req);
    const { id } = await ctx.params;
    const db = await ensureDatabase();
    const conversation = await getConversation(db, user.id, id);
    if (!conversation) throw new AppError("not_found");
    const messages = (await listMessages(db, user.id, id)).filter((m) => m.role !== "system").map(toUIMessage);
    return Response.json({ conversation: toSummary(conversation), messages });
  });
}

export function PATCH(req: Request, ctx: Ctx): Promise<Response> {
  return respond("api/conversations/[id]", async () => {
    assertSameOrigin(req);
    const user = await requireUser(req);
    const { id } = await ctx.params;
    const { title } = await parseBody(req, renameSchema);
    const conversation = await renameConversation(await ensureDatabase(), user.id, id, title);
    return Response.json({ conversation: toSummary(conversation) });
  });
}

export function DELETE(req: Request, ctx: Ctx): Promise<Response> {
  return respond("api/conversations/[id]", async () => {
    assertSameOrigin(req);
    const user = await requireUser(req);
    const { id } = await ctx.params;
    const conversation = await softDeleteConversation(await ensureDatabase(), user.id, id);
    return Response.json({ conversation: toSummary(conversation) });
  });
}
