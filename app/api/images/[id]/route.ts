import { requireUser } from "@/lib/auth";
import { ensureDatabase } from "@/lib/db";
import { getImage } from "@/lib/db/queries/images";
import { AppError, toAppError } from "@/lib/errors";
import { IMAGE_ID_RE } from "@/lib/images/limits";

export const dynamic = "force-dynamic";

/**
 * An image, to its owner only: anyone else's id reads as 404, exactly like an id that never existed.
 * The bytes behind an id never change, so the browser may keep them for a year.
 */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const user = await requireUser(req);
    const { id } = await params;
    if (!IMAGE_ID_RE.test(id)) throw new AppError("not_found");
    const image = await getImage(await ensureDatabase(), user.id, id);
    if (!image) throw new AppError("not_found");
    const etag = `"${image.sha256}"`;
    const headers = {
      "content-type": image.mime,
      "x-content-type-options": "nosniff",
      "cache-control": "private, max-age=31536000, immutable",
      etag,
      // Opened on its own, it is an image and nothing else: no scripts, no embedding of other content.
      "content-security-policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    };
    if (matchesEtag(req.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers });
    return new Response(new Uint8Array(image.bytes), {
      headers: { ...headers, "content-length": String(image.bytes.byteLength) },
    });
  } catch (err) {
    const appError = toAppError(err);
    if (appError.code === "internal") console.error("[api/images/:id]", err);
    return appError.toResponse({ "cache-control": "no-store" });
  }
}

function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.trim() === "*" || header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}
