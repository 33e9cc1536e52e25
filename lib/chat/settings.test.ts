import { describe, expect, it } from "vitest";
import { clampTemperature, clampToModel, effectiveSettings, parseMaxTokens, requestSettings } from "./settings";
import type { CatalogModel } from "./types";

const model = (overrides: Partial<CatalogModel> = {}): CatalogModel => ({
  id: "glm-5-1",
  family: "zhipu",
  ownedBy: "zhipu",
  vision: true,
  tools: true,
  json: true,
  thinking: true,
  contextWindow: 131072,
  maxOutputTokens: 16384,
  ...overrides,
});

describe("effectiveSettings", () => {
  it("starts from the configured defaults", () => {
    expect(effectiveSettings({ thinking: true, temperature: 0.7, system: "简洁" }, {}, model())).toEqual({
      thinking: true,
      temperature: 0.7,
      system: "简洁",
      tools: true,
    });
  });

  it("offers tools by default only to models that have them, and lets a chat turn them off", () => {
    expect(effectiveSettings(undefined, {}, model()).tools).toBe(true);
    expect(effectiveSettings(undefined, { tools: false }, model()).tools).toBe(false);
    expect(effectiveSettings(undefined, { tools: true }, model({ tools: false }))).not.toHaveProperty("tools");
    expect(requestSettings({ tools: false }, model())).toEqual({ tools: false });
    expect(requestSettings({ tools: true }, model({ tools: false }))).toEqual({});
  });

  it("lets overrides win, including an emptied system prompt and thinking off", () => {
    expect(
      effectiveSettings({ thinking: true, system: "简洁" }, { system: "", thinking: false, maxTokens: 2000 }, model()),
    ).toEqual({ thinking: false, system: "", maxTokens: 2000, tools: true });
  });

  it("thinks by default when there is no config yet", () => {
    expect(effectiveSettings(undefined, {}, undefined)).toEqual({ thinking: true });
  });

  it("clamps max output to the model", () => {
    expect(effectiveSettings(undefined, { maxTokens: 50000 }, model({ maxOutputTokens: 8192 })).maxTokens).toBe(8192);
  });
});

describe("clampToModel", () => {
  it("leaves settings within the limit untouched", () => {
    const settings = { maxTokens: 4096 };
    expect(clampToModel(settings, model())).toBe(settings);
    expect(clampToModel({}, model())).toEqual({});
  });

  it("lowers max output to a smaller model's limit", () => {
    expect(clampToModel({ maxTokens: 16384, temperature: 1 }, model({ maxOutputTokens: 8192 }))).toEqual({
      maxTokens: 8192,
      temperature: 1,
    });
  });
});

describe("clampTemperature", () => {
  it("keeps 0–2 in steps of 0.1", () => {
    expect(clampTemperature(0.75)).toBe(0.8);
    expect(clampTemperature(-1)).toBe(0);
    expect(clampTemperature(3)).toBe(2);
    expect(clampTemperature(0.30000000000000004)).toBe(0.3);
  });
});

describe("parseMaxTokens", () => {
  it("reads a positive whole number bounded by the model", () => {
    expect(parseMaxTokens("2048", model())).toBe(2048);
    expect(parseMaxTokens(" 99999 ", model())).toBe(16384);
    expect(parseMaxTokens("12.7", model())).toBe(12);
  });

  it("treats empty, zero and garbage as the model's default", () => {
    expect(parseMaxTokens("", model())).toBeUndefined();
    expect(parseMaxTokens("0", model())).toBeUndefined();
    expect(parseMaxTokens("abc", model())).toBeUndefined();
  });
});

describe("requestSettings", () => {
  it("sends only fields that say something", () => {
    expect(requestSettings({ thinking: true, system: "  " }, model())).toEqual({ thinking: true });
    expect(requestSettings({ temperature: 0, maxTokens: 10, system: "简洁" }, model())).toEqual({
      temperature: 0,
      maxTokens: 10,
      system: "简洁",
    });
  });

  it("leaves thinking out for models that cannot think", () => {
    expect(requestSettings({ thinking: true }, model({ thinking: false }))).toEqual({});
  });
});
