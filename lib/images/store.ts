import "server-only";
import type { WireImageSource } from "@/lib/chat/to-wire";
import type { Db } from "@/lib/db";
import { getImageMetas, getImages } from "@/lib/db/queries/images";

/** The requester's stored images as the wire conversion reads them; another user's ids read as missing. */
export function userImageSource(db: Db, userId: string): WireImageSource {
  return {
    sizes: async (ids) =>
      (await getImageMetas(db, userId, ids)).map(({ id, mime, byteSize }) => ({ id, mime, byteSize })),
    load: async (ids) => (await getImages(db, userId, ids)).map(({ id, mime, bytes }) => ({ id, mime, bytes })),
  };
}
