import { parseBody, respond } from "@/lib/api";
import { getAuth, requireAdmin } from "@/lib/auth";
import { ensureDatabase } from "@/lib/db";
import { findUserById } from "@/lib/db/queries/accounts";
import { AppError } from "@/lib/errors";
import { assertSameOrigin } from "@/lib/http";
import { resetPasswordSchema } from "../../../schema";

export const dynamic = "force-dynamic";

// A new password set by the admin (the person signs in with it and may be told to change it).
export function POST(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return respond("api/admin/users/[id]/password", async () => {
    assertSameOrigin(req);
    await requireAdmin(req);
    const { id } = await ctx.params;
    const { password } = await parseBody(req, resetPasswordSchema);
    if (!(await findUserById(await ensureDatabase(), id))) throw new AppError("not_found");
    await (await getAuth()).api.setUserPassword({ headers: req.headers, body: { userId: id, newPassword: password } });
    return Response.json({ ok: true });
  });
}
