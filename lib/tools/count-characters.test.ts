import { describe, expect, it } from "vitest";
import { channelFit, countCharacters } from "./count-characters";

describe("countCharacters", () => {
  it("counts CJK characters one by one and CJK punctuation apart", () => {
    const c = countCharacters("系统维护通知，请知悉。");
    expect(c.cjk).toBe(9);
    expect(c.cjkPunctuation).toBe(2);
    expect(c.characters).toBe(11);
    expect(c.words).toBe(0);
    expect(c.bytes).toBe(33);
  });

  it("counts Latin text in words, keeping contractions and versions whole", () => {
    const c = countCharacters("Don't miss the v2.5 release, e-mail us!");
    expect(c.words).toBe(7);
    expect(c.cjk).toBe(0);
  });

  it("counts mixed text", () => {
    const c = countCharacters("GLM-5.1 已上线 on Monday");
    expect(c.cjk).toBe(3);
    // GLM-5.1 is one word.
    expect(c.words).toBe(3);
    expect(c.characters).toBe(21);
    expect(c.charactersNoSpaces).toBe(18);
  });

  it("counts an emoji, even a multi-code-point one, as one character", () => {
    const c = countCharacters("🎉👨‍👩‍👧🇨🇳好");
    expect(c.emoji).toBe(3);
    expect(c.cjk).toBe(1);
    expect(c.characters).toBe(4);
  });

  it("counts keycaps, skin tones and combining accents as one character each", () => {
    expect(countCharacters("1️⃣👍🏽é").characters).toBe(3);
  });

  it("counts a long text quickly", () => {
    const started = Date.now();
    expect(countCharacters("字".repeat(100_000)).cjk).toBe(100_000);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("counts lines and handles empty text", () => {
    expect(countCharacters("一\n二\r\n三").lines).toBe(3);
    expect(countCharacters("")).toMatchObject({ characters: 0, lines: 0, bytes: 0 });
  });
});

describe("channelFit", () => {
  it("measures 企业微信 in UTF-8 bytes: what 2048 bytes leave", () => {
    const fit = channelFit("通知".repeat(10), "wecom");
    expect(fit).toMatchObject({ limit: 2048, unit: "bytes", used: 60, remaining: 1988, fits: true });
  });

  it("says how far over a limit the text is", () => {
    const fit = channelFit("字".repeat(70), "email");
    expect(fit).toMatchObject({ limit: 60, unit: "chars", used: 70, remaining: -10, fits: false });
  });

  it("has no limit for the website", () => {
    expect(channelFit("x".repeat(99999), "website")).toMatchObject({ limit: null, remaining: null, fits: true });
  });
});
