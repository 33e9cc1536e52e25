import { DefaultChatTransport, readUIMessageStream, type UIMessage, type UIMessageChunk } from "ai";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DONE_FRAME, UiStreamWriter, type ChatChunk } from "@/lib/chat/ui-stream";
import { asDeltaChunk, deltaChunkSchema, parseUiMessageStream, warmChunkSchema } from "./chat-transport";

/** The SDK's own parsing (what useChat used before), to compare against. */
class SdkTransport extends DefaultChatTransport<UIMessage> {
  parse(stream: ReadableStream<Uint8Array>) {
    return this.processResponseStream(stream);
  }
}
const sdkParse = (stream: ReadableStream<Uint8Array>) => new SdkTransport().parse(stream);

/** The bytes split into reads at the given offsets (a cut may fall inside a multi-byte character). */
function bytesStream(text: string, cuts: number[] = []): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const p of [...points, bytes.length]) {
    if (p > start) pieces.push(bytes.slice(start, p));
    start = Math.max(start, p);
  }
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece);
      controller.close();
    },
  });
}

async function collect(stream: ReadableStream<UIMessageChunk>): Promise<UIMessageChunk[]> {
  const out: UIMessageChunk[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

async function errorOf(stream: ReadableStream<UIMessageChunk>): Promise<unknown> {
  try {
    await collect(stream);
  } catch (err) {
    return err;
  }
  throw new Error("the stream did not fail");
}

/** Deltas joined per part, so that merged and unmerged streams compare equal when they carry the same text. */
function normalize(chunks: UIMessageChunk[]): UIMessageChunk[] {
  const out: UIMessageChunk[] = [];
  for (const chunk of chunks) {
    const last = out.at(-1);
    if (
      (chunk.type === "text-delta" || chunk.type === "reasoning-delta") &&
      last?.type === chunk.type &&
      last.id === chunk.id
    ) {
      out[out.length - 1] = { ...last, delta: last.delta + chunk.delta };
    } else out.push({ ...chunk });
  }
  return out;
}

const frame = (chunk: unknown) => `data: ${JSON.stringify(chunk)}\n\n`;

/** A reply as the server writes it: every chunk type the app sends, with CJK text. */
function replyFrames(): string {
  const frames: string[] = [];
  const writer = new UiStreamWriter((f) => frames.push(f), 0);
  // Written as they come over the wire: the chunk types are checked by the parsers under test.
  const write = (chunk: object) => writer.write(chunk as ChatChunk);
  write({ type: "start", messageId: "m-1", messageMetadata: { model: "glm-5.1" } });
  write({ type: "start-step" });
  for (const piece of ["先想一想", "：表格", "和公式。"]) writer.delta("reasoning", piece);
  for (const piece of ["# 标题\n\n", "这是**“新产品”**", "正式发布。", "\n\n| a | b |\n", "$x^2$ 😀 done"]) {
    writer.delta("text", piece);
  }
  writer.endPart();
  write({ type: "tool-input-start", toolCallId: "call-1", toolName: "search" });
  write({ type: "tool-input-delta", toolCallId: "call-1", inputTextDelta: '{"q":' });
  write({ type: "tool-input-available", toolCallId: "call-1", toolName: "search", input: { q: "x" } });
  write({ type: "tool-output-available", toolCallId: "call-1", output: { hits: 1 } });
  write({ type: "data-note", data: { n: 1 } });
  writer.delta("text", "第二段");
  writer.delta("text", "继续");
  write({ type: "text-delta", id: "text-3", delta: "带元数据", providerMetadata: { p: { a: 1 } } });
  write({ type: "finish-step" });
  write({ type: "message-metadata", messageMetadata: { usage: { inputTokens: 3 } } });
  write({ type: "finish", finishReason: "stop" });
  writer.close();
  expect(frames.at(-1)).toBe(DONE_FRAME);
  return frames.join("");
}

describe("parseUiMessageStream", () => {
  it("yields what the SDK's parser yields, for every chunk type, however the bytes are split", async () => {
    const text = replyFrames();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 40 }), async (cuts) => {
        const ours = await collect(parseUiMessageStream(bytesStream(text, cuts)));
        const sdk = await collect(sdkParse(bytesStream(text, cuts)));
        expect(normalize(ours)).toEqual(normalize(sdk));
      }),
      { numRuns: 60 },
    );
  });

  it("builds the same message in useChat's stream processing as the SDK's parser", async () => {
    const text = replyFrames();
    const last = async (stream: ReadableStream<UIMessageChunk>) => {
      let message: UIMessage | undefined;
      for await (const m of readUIMessageStream({ stream })) message = m;
      return message;
    };
    const ours = await last(parseUiMessageStream(bytesStream(text, [7, 100, 101, 333])));
    const sdk = await last(sdkParse(bytesStream(text, [7, 100, 101, 333])));
    expect(ours).toEqual(sdk);
    expect(ours?.parts.map((p) => p.type)).toEqual([
      "step-start",
      "reasoning",
      "text",
      "tool-search",
      "data-note",
      "text",
    ]);
    const texts = ours?.parts.flatMap((p) => (p.type === "text" ? [p.text] : []));
    expect(texts).toEqual(["# 标题\n\n这是**“新产品”**正式发布。\n\n| a | b |\n$x^2$ 😀 done", "第二段继续带元数据"]);
    expect(ours?.metadata).toEqual({ model: "glm-5.1", usage: { inputTokens: 3 } });
  });

  it("merges deltas of one part that arrive in one read, and only those", async () => {
    const text =
      frame({ type: "text-start", id: "t" }) +
      frame({ type: "text-delta", id: "t", delta: "一" }) +
      frame({ type: "text-delta", id: "t", delta: "二" }) +
      frame({ type: "text-delta", id: "t", delta: "三" });
    const split = new TextEncoder().encode(text).length - 5;
    const rest = frame({ type: "text-delta", id: "t", delta: "四" }) + frame({ type: "text-end", id: "t" });
    const chunks = await collect(parseUiMessageStream(bytesStream(text + rest, [split])));
    // The third delta's frame ends in the second read, so it goes with the fourth.
    expect(chunks).toEqual([
      { type: "text-start", id: "t" },
      { type: "text-delta", id: "t", delta: "一二" },
      { type: "text-delta", id: "t", delta: "三四" },
      { type: "text-end", id: "t" },
    ]);
  });

  it("does not merge deltas of different parts or kinds", async () => {
    const text =
      frame({ type: "reasoning-delta", id: "r", delta: "a" }) +
      frame({ type: "text-delta", id: "r", delta: "b" }) +
      frame({ type: "text-delta", id: "s", delta: "c" });
    const chunks = await collect(parseUiMessageStream(bytesStream(text)));
    expect(chunks.map((c) => (c as { delta: string }).delta)).toEqual(["a", "b", "c"]);
  });

  it("keeps a delta's extra fields by sending it through the SDK's schema", async () => {
    const text =
      frame({ type: "text-delta", id: "t", delta: "a" }) +
      frame({ type: "text-delta", id: "t", delta: "b", providerMetadata: { gw: { x: 1 } } }) +
      frame({ type: "text-delta", id: "t", delta: "c" });
    expect(await collect(parseUiMessageStream(bytesStream(text)))).toEqual([
      { type: "text-delta", id: "t", delta: "a" },
      { type: "text-delta", id: "t", delta: "b", providerMetadata: { gw: { x: 1 } } },
      { type: "text-delta", id: "t", delta: "c" },
    ]);
  });

  it.each([
    ["not JSON", 'data: {"type":"text-delta","id":"t","delta":\n\n'],
    ["a delta without its text", frame({ type: "text-delta", id: "t" })],
    ["a delta whose text is not a string", frame({ type: "reasoning-delta", id: "t", delta: 5 })],
    ["an unknown chunk type", frame({ type: "no-such-chunk", id: "t" })],
    ["a prototype key", 'data: {"type":"text-delta","id":"t","delta":"x","__proto__":{"polluted":1}}\n\n'],
  ])("fails the stream as the SDK does on %s, after what came before", async (_name, bad) => {
    const good = frame({ type: "text-start", id: "t" }) + frame({ type: "text-delta", id: "t", delta: "好" });
    const text = good + bad + frame({ type: "text-delta", id: "t", delta: "never" });
    const seen: UIMessageChunk[] = [];
    const ours = parseUiMessageStream(bytesStream(text)).pipeThrough(
      new TransformStream<UIMessageChunk, UIMessageChunk>({
        transform(chunk, controller) {
          seen.push(chunk);
          controller.enqueue(chunk);
        },
      }),
    );
    const ourError = await errorOf(ours);
    const sdkError = await errorOf(sdkParse(bytesStream(text)));
    expect(ourError).toBeInstanceOf(Error);
    expect((ourError as Error).name).toBe((sdkError as Error).name);
    expect((ourError as Error).constructor).toBe((sdkError as Error).constructor);
    // What came before the bad chunk was delivered; nothing after it.
    expect(seen).toEqual([
      { type: "text-start", id: "t" },
      { type: "text-delta", id: "t", delta: "好" },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("skips [DONE] and ignores an unterminated last event, as the SDK does", async () => {
    const text = frame({ type: "text-start", id: "t" }) + DONE_FRAME + 'data: {"type":"text-end","id":"t"}';
    expect(await collect(parseUiMessageStream(bytesStream(text)))).toEqual(await collect(sdkParse(bytesStream(text))));
  });
});

describe("asDeltaChunk", () => {
  const key = fc.constantFrom("type", "id", "delta", "providerMetadata", "__proto__", "extra");
  const value = fc.oneof(
    fc.constantFrom("text-delta", "reasoning-delta", "text-start", "", "t1"),
    fc.string(),
    fc.integer(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(fc.string(), { maxLength: 2 }),
    fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
  );
  // Objects near a delta chunk (the keys it has, missing or extra ones, wrong types), parsed from JSON as on the wire.
  const candidate = fc.oneof(
    fc.record({
      type: fc.constantFrom("text-delta", "reasoning-delta", "tool-input-delta"),
      id: fc.oneof(fc.string(), fc.integer()),
      delta: fc.oneof(fc.string(), fc.constant(null)),
    }),
    fc.dictionary(key, value, { maxKeys: 5 }),
    fc.array(value, { maxLength: 3 }),
    value,
  );

  it("accepts exactly what the delta schema accepts, and returns the same chunk", () => {
    fc.assert(
      fc.property(candidate, (raw) => {
        const json = JSON.stringify(raw);
        if (json === undefined) return;
        const parsed: unknown = JSON.parse(json);
        const expected = deltaChunkSchema.safeParse(parsed);
        const chunk = asDeltaChunk(parsed);
        expect(chunk).toEqual(expected.success ? expected.data : undefined);
        // A new object: merging deltas into it must not touch the parsed value.
        if (chunk) expect(chunk).not.toBe(parsed);
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses a delta with an own __proto__ key, as the strict schema does", () => {
    const parsed: unknown = JSON.parse('{"type":"text-delta","id":"t","delta":"x","__proto__":{"a":1}}');
    expect(deltaChunkSchema.safeParse(parsed).success).toBe(false);
    expect(asDeltaChunk(parsed)).toBeUndefined();
  });
});

describe("warmChunkSchema", () => {
  it("runs the SDK's chunk schema on chunks it accepts (a refused one would not warm it)", async () => {
    await expect(warmChunkSchema()).resolves.toBeUndefined();
  });
});
