import { describe, expect, it } from "vitest";
import { emptyForm } from "@/lib/announcements/form";
import { draftMessages, revisionMessages } from "@/lib/announcements/prompt";
import { parseAnnouncement } from "@/lib/announcements/schema";
import { chatTools } from "@/lib/tools/registry";
import type { WireChatRequest } from "../gateway/wire";
import { buildDemoAnnouncement } from "./demo-announcement";
import { demoToolAnswer, demoToolCalls } from "./demo-tools";

const ask = (text: string, tools = chatTools.wireTools()): WireChatRequest => ({
  model: "glm-5-1",
  messages: [{ role: "user", content: text }],
  tools,
});

describe("demo tool calls", () => {
  it("asks for the time and a sum in parallel", () => {
    const calls = demoToolCalls(ask("现在几点了？顺便算一下 (1200-200)*15%"));
    expect(calls?.map((c) => [c.index, c.function.name, JSON.parse(c.function.arguments)])).toEqual([
      [0, "current_time", { timezone: "Asia/Shanghai" }],
      [1, "calculate", { expression: "(1200-200)*15%" }],
    ]);
  });

  it("calls nothing without tools, for other questions, or once a tool has answered", () => {
    expect(demoToolCalls(ask("现在几点？", []))).toBeNull();
    expect(demoToolCalls(ask("写一首诗"))).toBeNull();
    expect(demoToolCalls({ ...ask("几点了"), tool_choice: "none" })).toBeNull();
  });

  it("answers from the tool results, explaining an error", () => {
    const answer = demoToolAnswer({
      model: "glm-5-1",
      messages: [
        { role: "user", content: "算 1/0" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c1", type: "function", function: { name: "calculate", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "c1", content: JSON.stringify({ error: "除数不能为零" }) },
      ],
    });
    expect(answer).toContain("没能完成：除数不能为零");
  });
});

describe("demo announcements", () => {
  const form = {
    ...emptyForm("maintenance"),
    department: "信息技术部",
    fields: {
      startAt: "2026-11-28T22:00",
      endAt: "2026-11-29T02:00",
      systems: "OA 系统",
      impact: "无法登录\n无法审批",
      contact: "8001",
    },
  };

  it("builds a notice that passes the schema from the form lines", () => {
    const request: WireChatRequest = {
      model: "glm-5-1",
      messages: draftMessages(form),
      response_format: { type: "json_object" },
    };
    const parsed = parseAnnouncement(buildDemoAnnouncement(request)!);
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.value.signoff.issuer).toBe("信息技术部");
    expect(parsed.ok && parsed.value.body).toContain("- 无法登录");
  });

  it("revises the previous version as asked, keeping its structure", () => {
    const first = JSON.parse(buildDemoAnnouncement({ model: "glm-5-1", messages: draftMessages(form) })!);
    const revised = buildDemoAnnouncement({
      model: "glm-5-1",
      messages: revisionMessages(form, first, "压缩到200字以内"),
    });
    const parsed = parseAnnouncement(revised!);
    expect(parsed.ok && parsed.value.body.length).toBeLessThanOrEqual(200);
    expect(buildDemoAnnouncement(ask("普通问题"))).toBeNull();
  });
});
