import { describe, expect, it } from "vitest";
import { chatTools, createToolRegistry } from "./registry";

describe("the chat tool registry", () => {
  it("offers three tools with valid names and JSON Schema parameters", () => {
    const tools = chatTools.wireTools();
    expect(tools.map((t) => t.function.name)).toEqual(["current_time", "calculate", "count_characters"]);
    for (const tool of tools) {
      expect(tool.function.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(tool.function.parameters).toMatchObject({ type: "object" });
      expect(tool.function.parameters).not.toHaveProperty("$schema");
    }
    expect(tools[1]!.function.parameters).toMatchObject({ required: ["expression"] });
  });

  it("runs a call from its JSON arguments", async () => {
    expect(await chatTools.run("calculate", '{"expression":"(2+3)*4"}')).toEqual({
      ok: true,
      output: { expression: "(2+3)*4", result: 20 },
    });
    const time = await chatTools.run("current_time", "{}");
    expect(time).toMatchObject({ ok: true, output: { timeZone: "Asia/Shanghai" } });
    const count = await chatTools.run("count_characters", '{"text":"放假通知","channel":"企业微信"}');
    expect(count).toMatchObject({ ok: true, output: { cjk: 4, channel: { channel: "wecom", remaining: 2036 } } });
  });

  it("turns every failure into a readable error result", async () => {
    expect(await chatTools.run("calculate", '{"expression":"1/0"}')).toEqual({ ok: false, error: "除数不能为零" });
    expect(await chatTools.run("current_time", '{"timezone":"Mars/Base"}')).toMatchObject({
      ok: false,
      error: expect.stringContaining("Mars/Base"),
    });
    expect(await chatTools.run("calculate", "{not json")).toMatchObject({ ok: false, error: /JSON/ });
    expect(await chatTools.run("calculate", "{}")).toMatchObject({ ok: false, error: /expression/ });
    expect(await chatTools.run("rm_rf", "{}")).toMatchObject({ ok: false, error: /rm_rf/ });
    expect(await chatTools.run("count_characters", '{"text":"x","channel":"pager"}')).toMatchObject({ ok: false });
  });

  it("reports a tool that throws something odd", async () => {
    const registry = createToolRegistry([
      {
        name: "boom",
        description: "fails",
        input: (await import("zod")).z.object({}),
        execute: () => {
          throw "plain string";
        },
      },
    ]);
    expect(await registry.run("boom", "")).toEqual({ ok: false, error: "plain string" });
  });
});
