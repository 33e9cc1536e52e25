import type { WireModel } from "./wire";

// The offline fallback: GATEWAY-NOTES.md's table, used when GET /v1/models cannot be reached.
// Ids other than glm-5-1 are inferred from the docs' naming; the live catalog wins when reachable.
export const FALLBACK_MODELS: WireModel[] = [
  {
    id: "glm-5-1",
    owned_by: "zhipu",
    family: "zhipu",
    capabilities: ["text", "vision", "tool_use", "streaming", "json_schema", "thinking"],
    context_window: 131072,
    max_output_tokens: 16384,
    input_modalities: ["text", "image"],
    output_modalities: ["text"],
    created: 1767225600,
  },
  {
    id: "glm-5",
    owned_by: "zhipu",
    family: "zhipu",
    capabilities: ["text", "tool_use", "streaming", "thinking"],
    context_window: 131072,
    max_output_tokens: 8192,
    input_modalities: ["text"],
    output_modalities: ["text"],
    created: 1759276800,
  },
  {
    id: "kimi-k2-6",
    owned_by: "moonshot",
    family: "moonshot",
    capabilities: ["text", "tool_use", "streaming"],
    context_window: 262144,
    max_output_tokens: 16384,
    input_modalities: ["text"],
    output_modalities: ["text"],
    created: 1764547200,
  },
  {
    id: "deepseek-v4-pro",
    owned_by: "deepseek",
    family: "deepseek",
    capabilities: ["text", "streaming", "thinking"],
    context_window: 65536,
    max_output_tokens: 16384,
    input_modalities: ["text"],
    output_modalities: ["text"],
    created: 1767225600,
  },
];
