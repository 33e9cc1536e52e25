// A JPEG that says which way up it is: a minimal EXIF block holding only the Orientation tag.
// The browser's fast path encodes a photo in its stored orientation (no pixel rotation, no 2D canvas) and
// states the rotation here; the server applies it (sharp .rotate()) and strips all metadata before storing.

/** APP1 "Exif": big-endian TIFF header, IFD0 with one SHORT entry 0x0112 = orientation, no next IFD. */
function orientationSegment(orientation: number): Uint8Array {
  return new Uint8Array([
    0xff,
    0xe1,
    0x00,
    0x22, // APP1, length 34 (incl. these two bytes)
    0x45,
    0x78,
    0x69,
    0x66,
    0x00,
    0x00, // "Exif\0\0"
    0x4d,
    0x4d,
    0x00,
    0x2a,
    0x00,
    0x00,
    0x00,
    0x08, // "MM", 42, IFD0 at 8
    0x00,
    0x01, // one entry
    0x01,
    0x12,
    0x00,
    0x03,
    0x00,
    0x00,
    0x00,
    0x01,
    0x00,
    orientation,
    0x00,
    0x00, // Orientation, SHORT ×1
    0x00,
    0x00,
    0x00,
    0x00, // no next IFD
  ]);
}

/**
 * What goes in front of an untagged JPEG's bytes after its own SOI (`[prefix, jpeg.slice(2)]`) to tag it:
 * SOI, then the Orientation-only EXIF block, where the EXIF standard puts APP1 (any JFIF APP0 follows it,
 * which libjpeg, sharp and browsers all accept). Lets a Blob be tagged without reading any of it back.
 */
export function orientationPrefix(orientation: number): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(orientation) || orientation < 2 || orientation > 8) throw new RangeError("orientation 2–8");
  const segment = orientationSegment(orientation);
  const out = new Uint8Array(2 + segment.length);
  out.set([0xff, 0xd8], 0);
  out.set(segment, 2);
  return out;
}

/**
 * Inserts an Orientation-only EXIF block into a JPEG that has none (as a canvas encoder writes it):
 * after SOI and a JFIF APP0 if present. Orientation 1 needs no block; the input is returned as is.
 */
export function withOrientation(jpeg: Uint8Array, orientation: number): Uint8Array {
  if (orientation === 1) return jpeg;
  if (!Number.isInteger(orientation) || orientation < 2 || orientation > 8) throw new RangeError("orientation 1–8");
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error("not a JPEG");
  let at = 2;
  if (jpeg[2] === 0xff && jpeg[3] === 0xe0) at = 4 + ((jpeg[4]! << 8) | jpeg[5]!);
  const segment = orientationSegment(orientation);
  const out = new Uint8Array(jpeg.length + segment.length);
  out.set(jpeg.subarray(0, at), 0);
  out.set(segment, at);
  out.set(jpeg.subarray(at), at + segment.length);
  return out;
}
