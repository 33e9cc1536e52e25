import { adminUsers } from "@/lib/admin";
import { parseBody, respond } from "@/lib/api";
import { getAuth, requireAdmin } from "@/lib/auth";
import { ensureDatabase } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { assertSameOrigin } from "@/lib/http";
import { createUserSchema } from "../schema";

export const dynamic = "force-dynamic";

// The staff list (with limits and today's tokens), and new accounts: admins create them.
export function GET(req: Request): Promise<Response> {
  return respond("api/admin/users", async () => {
    await requireAdmin(req);
    return Response.json(await adminUsers(await getAuth(), await ensureDatabase(), req.headers));
  });
}

export function POST(req: Request): Promise<Response> {
  return respond("api/admin/users", async () => {
    assertSameOrigin(req);
    await requireAdmin(req);
    const body = await parseBody(req, createUserSchema);
    const auth = await getAuth();
    const { user } = await auth.api
      .createUser({
        headers: req.headers,
        body: {
          email: body.email,
          password: body.password,
          name: body.name ?? body.email.split("@")[0]!,
          role: body.role,
        },
      })
      .catch((err: unknown) => {
        // better-auth refuses an existing email (any case) with a 400 of its own code.
        const code = (err as { body?: { code?: unknown } } | null)?.body?.code;
        if (typeof code === "string" && code.startsWith("USER_ALREADY_EXISTS")) {
          throw new AppError("email_taken", undefined, { cause: err });
        }
        throw err;
      });
    return Response.json({ user: { id: user.id, email: user.email } }, { status: 201 });
  });
}
