import { requireUser } from "@/lib/auth";
import { ensureDatabase } from "@/lib/db";
import { insertImage } from "@/lib/db/queries/images";
import { serverEnv } from "@/lib/env";
import { AppError, toAppError } from "@/lib/errors";
import { assertSameOrigin, readBodyBytes } from "@/lib/http";
import type { UploadedImage } from "@/lib/images/api-types";
import { formatBytes, GATEWAY_MAX_IMAGE_BYTES, imageUrl, type GatewayImageType } from "@/lib/images/limits";
import { processUpload } from "@/lib/images/process";

export const dynamic = "force-dynamic";

/**
 * One image as the raw request body (any Content-Type: the bytes decide what it is). The browser has
 * normally shrunk it already; the server checks it again, strips its metadata and stores it once.
 */
export async function POST(req: Request): Promise<Response> {
  try {
    assertSameOrigin(req);
    const user = await requireUser(req);
    const tooLarge = (size: number) =>
      new AppError("image_too_large", { size: formatBytes(size), limit: formatBytes(GATEWAY_MAX_IMAGE_BYTES) });
    // "Under 5 MB": the gateway's limit is exclusive.
    const bytes = await readBodyBytes(req, GATEWAY_MAX_IMAGE_BYTES - 1, tooLarge);
    const image = await processUpload(bytes, { maxEdge: serverEnv().IMAGE_MAX_EDGE });
    const stored = await insertImage(await ensureDatabase(), user.id, image);
    const body: UploadedImage = {
      id: stored.id,
      url: imageUrl(stored.id),
      mediaType: stored.mime as GatewayImageType,
      width: stored.width,
      height: stored.height,
      bytes: stored.byteSize,
    };
    return Response.json(body, { status: 201 });
  } catch (err) {
    const appError = toAppError(err);
    if (appError.code === "internal") console.error("[api/images]", err);
    return appError.toResponse();
  }
}
