import { adminUsage } from "@/lib/admin";
import { respond } from "@/lib/api";
import { requireAdmin } from "@/lib/auth";
import { ensureDatabase } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { usageQuerySchema } from "../schema";

export const dynamic = "force-dynamic";

// Tokens per user per day over the last ?days= days, and the gateway key's credit and rate bucket.
export function GET(req: Request): Promise<Response> {
  return respond("api/admin/usage", async () => {
    await requireAdmin(req);
    const query = usageQuerySchema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    if (!query.success) throw new AppError("invalid_body", { detail: "days: 1 to 92" });
    return Response.json(await adminUsage(await ensureDatabase(), query.data.days));
  });
}
