// A JPEG photo decoded, shrunk and encoded on both cores. Decoding is one job on a browser decoder thread
// and takes over half the time, so a sequential JPEG is decoded twice at once: whole, and its top half
// alone (jpeg-top.ts), which is ready in about half the time. It is cut in four parts (band-plan.ts): the
// lead worker shrinks and encodes the top two from the top half while the whole still decodes, then the
// lead and its partner take one of the bottom two each (split-encode.ts, which also joins them). A JPEG
// that cannot be decoded by halves (progressive) is cut in two parts once decoded whole, one for each worker.
import { planParts, type Size } from "../band-plan";
import { jpegTop } from "../jpeg-top";
import { cropSide, ROTATION_OF_ORIENTATION } from "./band-encode";
import { encodeParts, partnerPort } from "./split-encode";

export interface SplitInput {
  /** The whole file; handed over to the decoder. */
  bytes: ArrayBuffer;
  /** As stored, with its EXIF orientation. */
  header: { width: number; height: number; orientation: number };
  /** The output's size as displayed. */
  shown: Size;
  /** The libjpeg scale (n/8) the decoder is asked for: the smallest that still covers `shown`. */
  numerator: number;
  quality: number;
  limit: number;
}

/**
 * The JPEG of the photo shrunk to `shown`, made in parts on both workers: `{ jpeg }`. If it could not be done
 * that way once decoding started (an unexpected frame, a part that failed, parts that will not join, an
 * output over `limit`), the whole decoded frame for the caller to encode in one piece: `{ frame }`. Null when
 * nothing was started (no partner, a mirrored orientation, a picture too small to cut): the caller decodes.
 */
export async function shrinkInParts(
  input: SplitInput,
): Promise<{ jpeg: Uint8Array<ArrayBuffer> } | { frame: VideoFrame } | null> {
  const { header, numerator: n } = input;
  const port = partnerPort();
  const rotation = ROTATION_OF_ORIENTATION[header.orientation];
  if (!port || rotation === undefined || typeof ImageDecoder !== "function") return null;
  const opposite = await cropSide(rotation);
  if (opposite === null) return null;
  const turned = rotation % 180 !== 0;
  const stored = (s: Size) => (turned ? { width: s.height, height: s.width } : s);
  const scaled = (rows: number) => ({ width: Math.ceil((header.width * n) / 8), height: Math.ceil((rows * n) / 8) });
  const decoded = scaled(header.height);
  const output = stored(input.shown);

  // Four parts with the top two from the top half where the file allows it, else two from the whole.
  let plan = planParts(decoded, output, 4);
  // One MCU row (16 rows at 4:2:0) more than part 1 needs: the top half's last rows have their colour filled
  // in from repeated rows instead of the next ones, and must not be in any part.
  const top = plan && jpegTop(new Uint8Array(input.bytes), Math.ceil((plan.parts[1]!.source[1] * 8) / n) + 16);
  if (!top) plan = planParts(decoded, output, 2);
  if (!plan) return null;
  const fromTop = top ? 2 : 0;

  const topFrame = top ? decodeAt(top.jpeg.buffer, header.width, top.rows, n, rotation).catch(() => null) : null;
  const whole = decodeAt(input.bytes, header.width, header.height, n, rotation).catch(() => null);
  const jpeg = await encodeParts(
    port,
    { plan, fromTop, whole, topFrame, decoded, topDecoded: top && scaled(top.rows) },
    {
      width: output.width,
      rotation,
      opposite,
      quality: input.quality,
    },
  );
  const frame = await whole;
  if (!frame) throw new Error("the photo did not decode");
  if (!jpeg || jpeg.byteLength >= input.limit) return { frame };
  frame.close();
  return { jpeg };
}

/** A JPEG decoded at n/8; null when it does not decode to that size, turned as expected and unmirrored. */
async function decodeAt(
  data: ArrayBuffer,
  width: number,
  height: number,
  n: number,
  rotation: number,
): Promise<VideoFrame | null> {
  const decoder = new ImageDecoder({
    type: "image/jpeg",
    data,
    transfer: [data],
    // Chromium reads these as a pixel budget: the largest of libjpeg's n/8 scales that fits it.
    desiredWidth: Math.ceil((width * (n + 0.5)) / 8),
    desiredHeight: Math.ceil((height * (n + 0.5)) / 8),
  });
  try {
    const { image } = await decoder.decode();
    const { rotation: turn, flip } = image as VideoFrame & { rotation?: unknown; flip?: unknown };
    const turned = rotation % 180 !== 0;
    const stored = turned
      ? { width: image.displayHeight, height: image.displayWidth }
      : { width: image.displayWidth, height: image.displayHeight };
    const expected = { width: Math.ceil((width * n) / 8), height: Math.ceil((height * n) / 8) };
    if (turn === rotation && flip === false && stored.width === expected.width && stored.height === expected.height)
      return image;
    image.close();
    return null;
  } finally {
    decoder.close();
  }
}
