import { describe, expect, it } from "vitest";
import { base64Length } from "./limits";
import { dataUrlLength, planImageBudget, toDataUrl } from "./to-data-url";

describe("toDataUrl", () => {
  it("builds a base64 data URL whose length dataUrlLength predicts", () => {
    for (const n of [0, 1, 2, 3, 4, 1000, 1001]) {
      const bytes = new Uint8Array(n).map((_, i) => i * 7);
      const url = toDataUrl("image/jpeg", bytes);
      expect(url.startsWith("data:image/jpeg;base64,")).toBe(true);
      expect(url.length).toBe(dataUrlLength("image/jpeg", n));
      expect(Buffer.from(url.slice(url.indexOf(",") + 1), "base64")).toEqual(Buffer.from(bytes));
    }
    expect(base64Length(3)).toBe(4);
    expect(base64Length(4)).toBe(8);
  });

  it("encodes a view into a larger buffer correctly (Buffers from a pool)", () => {
    const pool = Buffer.from("xxxxABCxxxx");
    expect(toDataUrl("image/png", pool.subarray(4, 7))).toBe("data:image/png;base64,QUJD");
  });
});

describe("planImageBudget", () => {
  const image = (id: string, byteSize: number) => ({ id, mime: "image/jpeg", byteSize });
  const cost = (byteSize: number) => dataUrlLength("image/jpeg", byteSize);

  it("keeps everything that fits", () => {
    const images = [image("a", 300), image("b", 300)];
    expect(planImageBudget(images, 10_000)).toEqual({ firstKept: 0, dropped: 0, bytes: cost(300) * 2 });
    expect(planImageBudget([], 10)).toEqual({ firstKept: 0, dropped: 0, bytes: 0 });
  });

  it("drops the oldest first, and everything older than the first that does not fit", () => {
    const images = [image("old-small", 30), image("old-big", 3000), image("new", 300), image("newest", 300)];
    const plan = planImageBudget(images, cost(300) * 2 + cost(30));
    // old-small would fit on its own, but the model sees one unbroken, most recent stretch.
    expect(plan).toEqual({ firstKept: 2, dropped: 2, bytes: cost(300) * 2 });
  });

  it("counts each occurrence: the same image twice costs twice", () => {
    const plan = planImageBudget([image("a", 300), image("a", 300)], cost(300) + 10);
    expect(plan.firstKept).toBe(1);
  });

  it("can drop everything (the caller decides whether that is acceptable)", () => {
    expect(planImageBudget([image("a", 3000)], 100)).toEqual({ firstKept: 1, dropped: 1, bytes: 0 });
  });
});
