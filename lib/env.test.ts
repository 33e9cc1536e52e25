import { describe, expect, it } from "vitest";
import { EnvError, keyFingerprint, parseDatabaseUrl, parseEnv } from "./env";

const KEY = "sk-byts-0123456789abcdef0123456789abcdef";

function envError(source: Record<string, string | undefined>): EnvError {
  try {
    parseEnv(source);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    return err as EnvError;
  }
  throw new Error("expected parseEnv to throw");
}

describe("parseEnv", () => {
  it("fills every default and runs in demo mode without a key", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      demoMode: true,
      BYTESPIKE_BASE_URL: "https://llm.bytespike.ai/v1",
      DEFAULT_MODEL: "glm-5-1",
      SIMULATOR_PORT: 4010,
      SIMULATOR_TOKENS_PER_SECOND: 60,
      CHAT_MAX_MESSAGES: 200,
      CHAT_MAX_MESSAGE_CHARS: 32000,
      CHAT_MAX_BODY_BYTES: 2_000_000,
      MODEL_CATALOG_TTL_SECONDS: 300,
    });
    expect(env.BYTESPIKE_API_KEY).toBeUndefined();
    // Demo mode talks to the local simulator, never to the real gateway.
    expect(env.baseUrl).toBe("http://127.0.0.1:4010/v1");
    expect(env.apiKey).not.toBe("");
    expect(env.secret).toMatch(/^[0-9a-f]{64}$/);
  });

  it("treats an empty or blank key as unset (demo mode)", () => {
    expect(parseEnv({ BYTESPIKE_API_KEY: "" }).demoMode).toBe(true);
    expect(parseEnv({ BYTESPIKE_API_KEY: "", SIMULATOR_PORT: "4999" }).baseUrl).toBe("http://127.0.0.1:4999/v1");
  });

  it("uses the key and the configured base URL when a key is set", () => {
    const env = parseEnv({ BYTESPIKE_API_KEY: KEY, BYTESPIKE_BASE_URL: "https://gw.example.com/v1/" });
    expect(env.demoMode).toBe(false);
    expect(env.apiKey).toBe(KEY);
    expect(env.baseUrl).toBe("https://gw.example.com/v1");
    expect(parseEnv({ BYTESPIKE_API_KEY: KEY }).baseUrl).toBe("https://llm.bytespike.ai/v1");
  });

  it("trims the key", () => {
    expect(parseEnv({ BYTESPIKE_API_KEY: `  ${KEY}\n` }).apiKey).toBe(KEY);
  });

  it("coerces numbers", () => {
    const env = parseEnv({ SIMULATOR_PORT: "5000", CHAT_MAX_BODY_BYTES: "4096", MODEL_CATALOG_TTL_SECONDS: "0" });
    expect(env.SIMULATOR_PORT).toBe(5000);
    expect(env.CHAT_MAX_BODY_BYTES).toBe(4096);
    expect(env.MODEL_CATALOG_TTL_SECONDS).toBe(0);
  });

  it("keys the user-id hash by APP_SECRET when set, else by the key", () => {
    expect(parseEnv({ APP_SECRET: "s".repeat(32) }).secret).toBe("s".repeat(32));
    const a = parseEnv({ BYTESPIKE_API_KEY: KEY }).secret;
    expect(a).toBe(parseEnv({ BYTESPIKE_API_KEY: KEY }).secret);
    expect(a).not.toBe(parseEnv({ BYTESPIKE_API_KEY: `${KEY}x` }).secret);
    expect(a).not.toContain(KEY);
  });

  it.each([
    ["BYTESPIKE_BASE_URL", "not a url"],
    ["BYTESPIKE_BASE_URL", "ftp://llm.bytespike.ai/v1"],
    ["SIMULATOR_PORT", "0"],
    ["SIMULATOR_PORT", "70000"],
    ["SIMULATOR_PORT", "abc"],
    ["SIMULATOR_PORT", "40.5"],
    ["DEFAULT_MODEL", "glm 5/1"],
    ["DEFAULT_MODEL", "x".repeat(65)],
    ["CHAT_MAX_BODY_BYTES", "10"],
    ["APP_SECRET", "short"],
    ["BYTESPIKE_API_KEY", "sk-1"],
    ["BYTESPIKE_API_KEY", "sk-byts-has a space"],
    ["DEFAULT_TEMPERATURE", "2.5"],
    ["DEFAULT_TEMPERATURE", "warm"],
    ["DEFAULT_THINKING", "maybe"],
    ["DEFAULT_SYSTEM_PROMPT", "长".repeat(8001)],
  ])("rejects %s=%j with a message naming the variable", (name, value) => {
    const error = envError({ [name]: value });
    expect(error.name).toBe("EnvError");
    expect(error.message).toContain(name);
  });

  it("names every bad variable at once", () => {
    const error = envError({ BYTESPIKE_BASE_URL: "nope", SIMULATOR_PORT: "-1", DEFAULT_MODEL: "a b" });
    for (const name of ["BYTESPIKE_BASE_URL", "SIMULATOR_PORT", "DEFAULT_MODEL"]) expect(error.message).toContain(name);
  });

  it("never prints the key when something else is wrong", () => {
    const error = envError({ BYTESPIKE_API_KEY: KEY, SIMULATOR_PORT: "nope" });
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain(KEY.slice(8));
  });

  it("never prints a malformed key either", () => {
    const badKey = "sk-byts-secret with-space-0123456789";
    const error = envError({ BYTESPIKE_API_KEY: badKey });
    expect(error.message).not.toContain("secret with");
    expect(error.message).not.toContain("0123456789");
  });

  it("reads the new-chat defaults: thinking on, no temperature or system prompt unless set", () => {
    const env = parseEnv({});
    expect(env.DEFAULT_THINKING).toBe(true);
    expect(env.DEFAULT_TEMPERATURE).toBeUndefined();
    expect(env.DEFAULT_SYSTEM_PROMPT).toBeUndefined();
    const set = parseEnv({ DEFAULT_TEMPERATURE: "0.7", DEFAULT_THINKING: "off", DEFAULT_SYSTEM_PROMPT: "你是助手。" });
    expect(set).toMatchObject({
      DEFAULT_TEMPERATURE: 0.7,
      DEFAULT_THINKING: false,
      DEFAULT_SYSTEM_PROMPT: "你是助手。",
    });
    expect(parseEnv({ DEFAULT_THINKING: " FALSE " }).DEFAULT_THINKING).toBe(false);
    expect(parseEnv({ DEFAULT_THINKING: "1" }).DEFAULT_THINKING).toBe(true);
  });

  it("ignores unrelated variables", () => {
    expect(() => parseEnv({ PATH: "/usr/bin", NODE_ENV: "test" })).not.toThrow();
  });
});

describe("keyFingerprint", () => {
  it("shows a short prefix and a hash, never the whole key", () => {
    const fp = keyFingerprint(KEY);
    expect(fp).toMatch(/^sk-byts…#[0-9a-f]{8}$/);
    expect(fp).not.toContain(KEY);
    expect(fp).not.toContain(KEY.slice(7, 15));
  });

  it("is stable per key and differs between keys", () => {
    expect(keyFingerprint(KEY)).toBe(keyFingerprint(KEY));
    expect(keyFingerprint(KEY)).not.toBe(keyFingerprint(`${KEY.slice(0, -1)}0`));
  });
});

describe("storage and accounts variables", () => {
  it("defaults to SQLite in data/app.db, 200k tokens a day, 2 replies at once, no SSO, no seeded admin", () => {
    const env = parseEnv({});
    expect(env.database).toEqual({ kind: "sqlite", path: `${process.cwd()}/data/app.db` });
    expect(env).toMatchObject({ QUOTA_TOKENS_PER_DAY: 200_000, QUOTA_MAX_CONCURRENT: 2, AUTH_SIGN_IN_PER_MINUTE: 10 });
    expect(env.oidc).toBeUndefined();
    expect(env.adminSeed).toBeUndefined();
    expect(env.BETTER_AUTH_SECRET).toBeUndefined();
  });

  it.each([
    ["postgres://app:pw@db:5432/chat", { kind: "postgres", url: "postgres://app:pw@db:5432/chat" }],
    ["postgresql://db/chat", { kind: "postgres", url: "postgresql://db/chat" }],
    [
      "postgresql:///chat?host=/var/run/postgresql",
      { kind: "postgres", url: "postgresql:///chat?host=/var/run/postgresql" },
    ],
    ["file:data/other.db", { kind: "sqlite", path: "/srv/app/data/other.db" }],
    ["file:/var/lib/chat.db", { kind: "sqlite", path: "/var/lib/chat.db" }],
    ["file:///var/lib/chat.db", { kind: "sqlite", path: "/var/lib/chat.db" }],
    ["./chat.sqlite", { kind: "sqlite", path: "/srv/app/chat.sqlite" }],
    [":memory:", { kind: "sqlite", path: ":memory:" }],
    [undefined, { kind: "sqlite", path: "/srv/app/data/app.db" }],
  ])("reads DATABASE_URL=%j", (raw, target) => {
    expect(parseDatabaseUrl(raw, "/srv/app")).toEqual(target);
  });

  it("reads accounts, SSO and quota settings", () => {
    const env = parseEnv({
      DATABASE_URL: "postgres://db/chat",
      BETTER_AUTH_URL: "https://chat.example.com/",
      ADMIN_EMAIL: "admin@example.com",
      ADMIN_PASSWORD: "correct horse",
      OIDC_ISSUER: "https://sso.example.com/realms/staff/",
      OIDC_CLIENT_ID: "glm-chat",
      OIDC_CLIENT_SECRET: "s3cret",
      OIDC_PROVIDER_NAME: "企业微信",
      QUOTA_TOKENS_PER_DAY: "0",
      QUOTA_MAX_CONCURRENT: "5",
    });
    expect(env.database).toEqual({ kind: "postgres", url: "postgres://db/chat" });
    expect(env.BETTER_AUTH_URL).toBe("https://chat.example.com");
    expect(env.adminSeed).toEqual({ email: "admin@example.com", password: "correct horse" });
    expect(env.oidc).toEqual({
      issuer: "https://sso.example.com/realms/staff",
      clientId: "glm-chat",
      clientSecret: "s3cret",
      name: "企业微信",
    });
    expect(env.QUOTA_TOKENS_PER_DAY).toBe(0);
    expect(env.QUOTA_MAX_CONCURRENT).toBe(5);
  });

  it.each([
    ["DATABASE_URL", "mysql://db/chat"],
    ["DATABASE_URL", "postgres://"],
    ["BETTER_AUTH_SECRET", "too-short"],
    ["BETTER_AUTH_URL", "chat.example.com"],
    ["ADMIN_EMAIL", "not-an-email"],
    ["OIDC_ISSUER", "sso"],
    ["QUOTA_TOKENS_PER_DAY", "-1"],
    ["QUOTA_MAX_CONCURRENT", "many"],
    ["AUTH_SIGN_IN_PER_MINUTE", "0"],
  ])("rejects %s=%j with a message naming the variable", (name, value) => {
    expect(envError({ [name]: value }).message).toContain(name);
  });

  it("wants ADMIN_EMAIL with ADMIN_PASSWORD, and OIDC_ISSUER with OIDC_CLIENT_ID", () => {
    expect(envError({ ADMIN_EMAIL: "admin@example.com" }).message).toContain("ADMIN_PASSWORD");
    expect(envError({ ADMIN_PASSWORD: "long enough" }).message).toContain("ADMIN_EMAIL");
    expect(envError({ OIDC_ISSUER: "https://sso.example.com" }).message).toContain("OIDC_CLIENT_ID");
    expect(envError({ OIDC_CLIENT_ID: "glm-chat" }).message).toContain("OIDC_ISSUER");
  });

  it("never prints the auth secret or the admin password", () => {
    const error = envError({ BETTER_AUTH_SECRET: "short-secret", ADMIN_EMAIL: "x", ADMIN_PASSWORD: "pw" });
    expect(error.message).not.toContain("short-secret");
    expect(error.message).not.toMatch(/\bpw\b/);
  });
});
