import "server-only";
import { createHash } from "node:crypto";
import path from "node:path";
import { z } from "zod";
import {
  DEFAULT_IMAGE_MAX_EDGE,
  DEFAULT_IMAGE_REQUEST_BUDGET_BYTES,
  DEFAULT_MAX_IMAGES,
  GATEWAY_MAX_IMAGE_SIDE,
} from "@/lib/images/limits";

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
  // Images as vision inputs (lib/images): per message, the browser's shrink target, and the base64 per request.
  CHAT_MAX_IMAGES: intFrom(0, 50).default(DEFAULT_MAX_IMAGES),
  IMAGE_MAX_EDGE: intFrom(256, GATEWAY_MAX_IMAGE_SIDE).default(DEFAULT_IMAGE_MAX_EDGE),
  IMAGE_REQUEST_BUDGET_BYTES: intFrom(1_000_000, 200_000_000).default(DEFAULT_IMAGE_REQUEST_BUDGET_BYTES),
  APP_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  // What a new chat starts with; each chat can change them in its settings panel.
  DEFAULT_TEMPERATURE: z.coerce.number().min(0, "must be between 0 and 2").max(2, "must be between 0 and 2").optional(),
  DEFAULT_THINKING: booleanish.default(true),
  DEFAULT_SYSTEM_PROMPT: z.string().max(8000, "must be at most 8000 characters").optional(),
  // Storage and accounts (lib/db, lib/auth, lib/quota).
  DATABASE_URL: z
    .string()
    .trim()
    .refine((v) => parseDatabaseUrl(v) !== undefined, "must be a postgres:// URL or a SQLite file (file:data/app.db)")
    .optional(),
  BETTER_AUTH_SECRET: z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)").optional(),
  BETTER_AUTH_URL: z
    .url({ protocol: /^https?$/, error: "must be the app's public http(s) URL such as https://chat.example.com" })
    .transform((u) => u.replace(/\/+$/, ""))
    .optional(),
  AUTH_SIGN_IN_PER_MINUTE: intFrom(1, 10000).default(10),
  ADMIN_EMAIL: z.email("must be an email address").optional(),
  ADMIN_PASSWORD: z
    .string()
    .min(8, "must be at least 8 characters")
    .max(128, "must be at most 128 characters")
    .optional(),
  OIDC_ISSUER: z
    .url({ protocol: /^https?$/, error: "must be the identity provider's issuer URL" })
    .transform((u) => u.replace(/\/+$/, ""))
    .optional(),
  OIDC_CLIENT_ID: z.string().trim().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().trim().min(1).optional(),
  OIDC_PROVIDER_NAME: z.string().trim().min(1).max(40, "must be at most 40 characters").default("SSO"),
  QUOTA_TOKENS_PER_DAY: intFrom(0, 1e12).default(200_000),
  QUOTA_MAX_CONCURRENT: intFrom(0, 1000).default(2),
});

/** Where the data lives: a SQLite file (the default) or a PostgreSQL server. */
export type DatabaseTarget = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };

const DEFAULT_SQLITE_PATH = "data/app.db";

/** `postgres://…`/`postgresql://…`, `file:path`, a bare path or `:memory:`; undefined when unusable. */
export function parseDatabaseUrl(raw: string | undefined, cwd = process.cwd()): DatabaseTarget | undefined {
  const value = raw?.trim() || DEFAULT_SQLITE_PATH;
  if (/^postgres(ql)?:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return undefined;
    }
    // A host, or a socket directory as ?host=/var/run/postgresql.
    return url.hostname || url.searchParams.has("host") ? { kind: "postgres", url: value } : undefined;
  }
  if (value === ":memory:") return { kind: "sqlite", path: value };
  // Any other scheme (mysql://, http://…) is a mistake, not a file name.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !value.startsWith("file:")) return undefined;
  const file = value.startsWith("file:") ? value.slice("file:".length).replace(/^\/\/(?=\/)/, "") : value;
  if (file === "") return undefined;
  return { kind: "sqlite", path: path.resolve(cwd, file) };
}

function requireTogether(env: Record<string, unknown>, ctx: z.RefinementCtx, names: string[]): void {
  const set = names.filter((n) => env[n] !== undefined);
  if (set.length === 0 || set.length === names.length) return;
  for (const name of names.filter((n) => env[n] === undefined)) {
    ctx.addIssue({ code: "custom", path: [name], message: `must be set together with ${set.join(" and ")}` });
  }
}

const checkedSchema = schema.superRefine((env, ctx) => {
  requireTogether(env, ctx, ["ADMIN_EMAIL", "ADMIN_PASSWORD"]);
  requireTogether(env, ctx, ["OIDC_ISSUER", "OIDC_CLIENT_ID"]);
});

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** The sign-in button's label. */
  name: string;
}

export type ServerEnv = z.infer<typeof schema> & {
  /** True when no key is set: the app talks to its built-in gateway simulator. */
  demoMode: boolean;
  /** The key sent to the gateway (the simulator accepts any non-empty key in demo mode). */
  apiKey: string;
  /** The gateway base URL in force (the simulator's URL in demo mode). */
  baseUrl: string;
  /** Secret for hashing staff ids into the gateway's `user` field. */
  secret: string;
  database: DatabaseTarget;
  /** Single sign-on, when OIDC_ISSUER and OIDC_CLIENT_ID are set. */
  oidc: OidcConfig | undefined;
  /** The administrator ensured at startup, when ADMIN_EMAIL and ADMIN_PASSWORD are set. */
  adminSeed: { email: string; password: string } | undefined;
};

export class EnvError extends Error {
  override name = "EnvError";
}

export function parseEnv(source: Record<string, string | undefined>): ServerEnv {
  // Empty strings count as unset, as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = checkedSchema.safeParse(cleaned);
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
  const database = parseDatabaseUrl(env.DATABASE_URL) as DatabaseTarget; // validated above
  const oidc =
    env.OIDC_ISSUER && env.OIDC_CLIENT_ID
      ? {
          issuer: env.OIDC_ISSUER,
          clientId: env.OIDC_CLIENT_ID,
          ...(env.OIDC_CLIENT_SECRET ? { clientSecret: env.OIDC_CLIENT_SECRET } : {}),
          name: env.OIDC_PROVIDER_NAME,
        }
      : undefined;
  const adminSeed =
    env.ADMIN_EMAIL && env.ADMIN_PASSWORD ? { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD } : undefined;
  return { ...env, demoMode, apiKey, baseUrl, secret, database, oidc, adminSeed };
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
