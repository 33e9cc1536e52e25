import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";

// The browser-only switch of lib/zod-jitless.ts, against the real Zod: set after Zod loaded (here)
// or before (in a fresh process), Zod reports jitless and parses objects without calling Function.

const holder = globalThis as { __zod_globalConfig?: { jitless?: boolean } };

describe("zod-jitless", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
    delete holder.__zod_globalConfig?.jitless;
  });

  it("in a browser, after Zod loaded, Zod parses objects without eval", async () => {
    vi.stubGlobal("window", {});
    await import("./zod-jitless");
    expect(z.config().jitless).toBe(true);
    const evalProbe = vi.fn(() => {
      throw new EvalError("Refused to evaluate a string as JavaScript");
    });
    vi.stubGlobal("Function", evalProbe);
    expect(z.object({ a: z.string(), b: z.number() }).parse({ a: "x", b: 1 })).toEqual({ a: "x", b: 1 });
    expect(evalProbe).not.toHaveBeenCalled();
  });

  it("in a browser, before Zod loads, too", () => {
    const script = [
      "globalThis.window = {};",
      'await import("./lib/zod-jitless.ts");',
      'const { z } = await import("zod");',
      "console.log(JSON.stringify({ jitless: z.config().jitless }));",
    ].join("\n");
    const out = execFileSync("node_modules/.bin/tsx", ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(out.trim())).toEqual({ jitless: true });
  });

  it("leaves the server's Zod alone", async () => {
    await import("./zod-jitless");
    expect(z.config().jitless).toBeUndefined();
  });
});
