import { describe, expect, it } from "vitest";
import { EnvError, keyFingerprint, parseEnv } from "./env";

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
