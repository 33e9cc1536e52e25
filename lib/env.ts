import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";

// Every environment variable the server reads, validated once. A bad value stops the server
// with a message naming the variable; the key itself is never printed (a fingerprint at most).

const DEFAULT_BASE_URL = "https://llm.bytespike.ai/v1";

const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const TRUE_WORDS = ["true", "1", "yes", "on"];
const FALSE_WORDS = ["false", "0", "no", "off"];
const booleanish = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => TRUE_WORDS.includes(v) || FALSE_WORDS.includes(v), "must be true or false")
  .transform((v) => TRUE_WORDS.includes(v));

const schema = z.object({
  BYTESPIKE_API_KEY: z
    .string()
    .trim()
    .min(8, "must be a gateway key (sk-byts-…)")
    .regex(/^\S+$/, "must not contain spaces")
    .optional(),
  BYTESPIKE_BASE_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://llm.bytespike.ai/v1" })
    .transform((u) => u.replace(/\/+$/, ""))
    .default(DEFAULT_BASE_URL),
  DEFAULT_MODEL: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,64}$/, "must be a model id such as glm-5-1")
    .default("glm-5-1"),
  SIMULATOR_PORT: intFrom(1, 65535).default(4010),
  SIMULATOR_TOKENS_PER_SECOND: intFrom(1, 100000).default(60),
  CHAT_MAX_MESSAGES: intFrom(1, 10000).default(200),
  CHAT_MAX_MESSAGE_CHARS: intFrom(1, 1_000_000).default(32000),
  CHAT_MAX_BODY_BYTES: intFrom(1024, 50_000_000).default(2_000_000),
  MODEL_CATALOG_TTL_SECONDS: intFrom(0, 86400).default(300),
  APP_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  // What a new chat starts with; each chat can change them in its settings panel.
  DEFAULT_TEMPERATURE: z.coerce.number().min(0, "must be between 0 and 2").max(2, "must be between 0 and 2").optional(),
  DEFAULT_THINKING: booleanish.default(true),
  DEFAULT_SYSTEM_PROMPT: z.string().max(8000, "must be at most 8000 characters").optional(),
});

export type ServerEnv = z.infer<typeof schema> & {
  /** True when no key is set: the app talks to its built-in gateway simulator. */
  demoMode: boolean;
  /** The key sent to the gateway (the simulator accepts any non-empty key in demo mode). */
  apiKey: string;
  /** The gateway base URL in force (the simulator's URL in demo mode). */
  baseUrl: string;
  /** Secret for hashing staff ids into the gateway's `user` field. */
  secret: string;
};

export class EnvError extends Error {
  override name = "EnvError";
}

export function parseEnv(source: Record<string, string | undefined>): ServerEnv {
  // Empty strings count as unset, as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new EnvError(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  const env = result.data;
  const demoMode = !env.BYTESPIKE_API_KEY;
  const apiKey = env.BYTESPIKE_API_KEY ?? "demo-mode-simulator-key";
  const baseUrl = demoMode ? `http://127.0.0.1:${env.SIMULATOR_PORT}/v1` : env.BYTESPIKE_BASE_URL;
  // Without APP_SECRET the id hash is keyed by the API key itself: stable, and never reversible.
  const secret = env.APP_SECRET ?? createHash("sha256").update(`glm-chat:${apiKey}`).digest("hex");
  return { ...env, demoMode, apiKey, baseUrl, secret };
}

/** A short, non-reversible label for a key, safe for logs. */
export function keyFingerprint(key: string): string {
  return `${key.slice(0, 7)}…#${createHash("sha256").update(key).digest("hex").slice(0, 8)}`;
}

let cached: ServerEnv | undefined;

export function serverEnv(): ServerEnv {
  cached ??= parseEnv(process.env);
  return cached;
}
