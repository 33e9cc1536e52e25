import { describe, expect, it } from "vitest";
import en from "../../messages/en.json";
import zhCN from "../../messages/zh-CN.json";

type Tree = { [key: string]: string | Tree };

/** Flattens nested messages to "a.b.c" → value. */
function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const catalogs = { "zh-CN": flatten(zhCN), en: flatten(en) };

describe("messages", () => {
  it("has the same keys in every locale", () => {
    expect([...catalogs.en.keys()].sort()).toEqual([...catalogs["zh-CN"].keys()].sort());
  });

  it.each(Object.entries(catalogs))("has no empty values in %s", (_locale, messages) => {
    const empty = [...messages].filter(([, value]) => value.trim() === "").map(([key]) => key);
    expect(empty).toEqual([]);
  });

  it.each(Object.entries(catalogs))("uses the same placeholders in %s as in zh-CN", (_locale, messages) => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)/g)].map((m) => m[1]).sort();
    for (const [key, value] of catalogs["zh-CN"]) {
      expect(placeholders(messages.get(key) ?? ""), key).toEqual(placeholders(value));
    }
  });
});
