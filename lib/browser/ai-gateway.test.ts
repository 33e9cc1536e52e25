import * as real from "@ai-sdk/gateway";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import * as stub from "./ai-gateway";

// The browser build's stand-in for @ai-sdk/gateway (next.config.mjs): it must offer every name the `ai` package
// imports from the real one, answer "not a gateway error" to the checks `ai` makes on any error, and throw on use.
describe("the browser's @ai-sdk/gateway", () => {
  it("exports what the ai package imports from the real module", () => {
    // The browser build uses ai's ESM entry (dist/index.js).
    const source = readFileSync(createRequire(import.meta.url).resolve("ai"), "utf8");
    const imported = /import \{([^}]*)\} from "@ai-sdk\/gateway"/.exec(source)?.[1];
    expect(imported, "ai's dist/index.js imports from @ai-sdk/gateway").toBeDefined();
    const names = imported!.split(",").map((name) => name.trim().split(/\s+as\s+/)[0]!);
    for (const name of names) {
      expect(stub, name).toHaveProperty(name);
      expect(real, name).toHaveProperty(name);
    }
  });

  it("recognises no error as a gateway error", () => {
    expect(stub.GatewayError.isInstance(new Error("x"))).toBe(false);
    expect(stub.GatewayAuthenticationError.isInstance({ name: "GatewayAuthenticationError" })).toBe(false);
  });

  it("throws a clear error on any use of the provider", () => {
    expect(() => stub.createGateway()).toThrow(/not available in the browser/);
    expect(() => (stub.gateway as { languageModel: unknown }).languageModel).toThrow(/not available in the browser/);
    expect(() => (stub.gateway as () => unknown)()).toThrow(/not available in the browser/);
    // Awaiting or inspecting it does not throw (nothing calls it).
    expect((stub.gateway as { then?: unknown }).then).toBeUndefined();
  });
});
