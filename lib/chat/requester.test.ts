import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashedUserId } from "./requester";

describe("hashedUserId (the gateway's user field)", () => {
  it("is the HMAC of the user id under the server secret, the same every time", () => {
    const expected = `u_${createHmac("sha256", "secret-a").update("user-1").digest("hex").slice(0, 32)}`;
    expect(hashedUserId("user-1", "secret-a")).toBe(expected);
    expect(hashedUserId("user-1", "secret-a")).toBe(expected);
  });

  it("differs per user and per secret (a remembered id never leaks across either)", () => {
    const a = hashedUserId("user-1", "secret-a");
    expect(hashedUserId("user-2", "secret-a")).not.toBe(a);
    expect(hashedUserId("user-1", "secret-b")).not.toBe(a);
    expect(hashedUserId("user-1", "secret-b")).toBe(
      `u_${createHmac("sha256", "secret-b").update("user-1").digest("hex").slice(0, 32)}`,
    );
  });

  it("never contains the user id itself", () => {
    expect(hashedUserId("alice@example.com", "s")).not.toContain("alice");
  });
});
