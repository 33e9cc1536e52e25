// (c) The default AI SDK server path, the reference row: streamText with the OpenAI-compatible provider,
// then toUIMessageStreamResponse(), as a Next route handler would return it.
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { convertToModelMessages, streamText, type UIMessage } from "ai";
import { env, readBody, sendResponse, serve } from "./common";

const provider = createOpenAICompatible({
  name: "bytespike",
  baseURL: env("BENCH_UPSTREAM"),
  apiKey: env("BENCH_API_KEY"),
  includeUsage: true,
});

serve(async (req, res) => {
  const body = JSON.parse(await readBody(req)) as {
    model: string;
    messages: UIMessage[];
    settings?: { maxTokens?: number };
  };
  const controller = new AbortController();
  res.on("close", () => controller.abort());
  const result = streamText({
    model: provider.chatModel(body.model),
    messages: await convertToModelMessages(body.messages),
    abortSignal: controller.signal,
    ...(body.settings?.maxTokens ? { maxOutputTokens: body.settings.maxTokens } : {}),
  });
  // Carries reasoning (default) and usage (in the finish metadata), like our path does.
  const response = result.toUIMessageStreamResponse({
    sendReasoning: true,
    messageMetadata: ({ part }) => (part.type === "finish" ? { usage: part.totalUsage } : undefined),
  });
  await sendResponse(res, response);
});
