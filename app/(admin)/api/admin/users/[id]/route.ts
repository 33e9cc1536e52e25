import { parseBody, respond } from "@/lib/api";
import { getAuth, requireAdmin } from "@/lib/auth";
import { ensureDatabase } from "@/lib/db";
import { getUserLimits } from "@/lib/db/queries/limits";
import { findUserById } from "@/lib/db/queries/accounts";
import { AppError } from "@/lib/errors";
import { assertSameOrigin } from "@/lib/http";
import { setLimits } from "@/lib/quota";
import { updateUserSchema } from "../../schema";

export const dynamic = "force-dynamic";

// One account: disable (ban: its sessions end) or enable it, and set its limits.
export function PATCH(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return respond("api/admin/users/[id]", async () => {
    assertSameOrigin(req);
    const admin = await requireAdmin(req);
    const { id } = await ctx.params;
    const body = await parseBody(req, updateUserSchema);
    const db = await ensureDatabase();
    if (!(await findUserById(db, id))) throw new AppError("not_found");
    if (body.banned !== undefined) {
      if (id === admin.id) throw new AppError("forbidden");
      const auth = await getAuth();
      if (body.banned) await auth.api.banUser({ headers: req.headers, body: { userId: id } });
      else await auth.api.unbanUser({ headers: req.headers, body: { userId: id } });
    }
    if (body.tokensPerDay !== undefined || body.maxConcurrent !== undefined) {
      const current = await getUserLimits(db, id);
      await setLimits(db, id, {
        tokensPerDay: body.tokensPerDay !== undefined ? body.tokensPerDay : current.tokensPerDay,
        maxConcurrent: body.maxConcurrent !== undefined ? body.maxConcurrent : current.maxConcurrent,
      });
    }
    return Response.json({ ok: true });
  });
}
