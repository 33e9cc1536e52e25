import { bombPng, claimingPng } from "@/test/hostile-images";
import { expect, test } from "./fixtures";
import { Attachments } from "./pages/attachments";

// Image attacks through the composer and straight at the upload route: a decompression bomb (a tiny
// PNG claiming 30000×30000), a lying header, and an HTML page named .png. The composer names each
// file and what is wrong before anything is uploaded; the server, sent the same bytes directly,
// refuses them too (4xx, both languages) and stays healthy; a real image still attaches afterwards.

const FAKE_PNG = Buffer.from("<!doctype html><html><body><script>window.__xssCanary=1</script></body></html>");

test("the composer refuses a decompression bomb, a lying header and a fake PNG, naming each", async ({
  page,
  chat,
}) => {
  const images = new Attachments(page);
  await chat.goto();
  await images.drop({ name: "bomb.png", mimeType: "image/png", buffer: claimingPng(30000, 30000) });
  await images.drop({ name: "liar.png", mimeType: "image/png", buffer: claimingPng(9000, 9000) });
  await images.drop({ name: "fake.png", mimeType: "image/png", buffer: FAKE_PNG });
  await expect(images.errors).toHaveCount(3);
  await expect(images.items).toHaveCount(0);
  await expect(images.errors.nth(0)).toHaveAttribute("data-reason", "too_many_pixels");
  await expect(images.errors.nth(0)).toContainText("“bomb.png”的像素过多");
  await expect(images.errors.nth(1)).toHaveAttribute("data-reason", "corrupt");
  await expect(images.errors.nth(1)).toContainText("“liar.png”已损坏或不完整");
  await expect(images.errors.nth(2)).toHaveAttribute("data-reason", "unsupported");
  await expect(images.errors.nth(2)).toContainText("“fake.png”不是支持的图片格式");

  // A real bomb within the gateway's limits is shrunk and attached like any image.
  await images.drop({ name: "zeros.png", mimeType: "image/png", buffer: bombPng(5000, 5000) });
  await images.expectReady(1);
});

test("the upload route refuses the same files with a clear 4xx and keeps answering", async ({ page }) => {
  await page.goto("/");
  for (const [bytes, status, code] of [
    [claimingPng(30000, 30000), 413, "image_dimensions_too_large"],
    [claimingPng(5000, 5000), 422, "image_corrupt"],
    [FAKE_PNG, 415, "image_unrecognized"],
    [Buffer.alloc(0), 415, "image_unrecognized"],
  ] as const) {
    const res = await page.request.post("/api/images", { data: bytes, headers: { "content-type": "image/png" } });
    expect(res.status(), code).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: Record<string, string> } };
    expect(body.error.code).toBe(code);
    expect(body.error.message["zh-CN"]).toMatch(/[\u4e00-\u9fff]/);
    expect(body.error.message.en).toMatch(/[A-Za-z]/);
  }
  const models = await page.request.get("/api/models");
  expect(models.status()).toBe(200);
});
