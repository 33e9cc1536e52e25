import { describe, expect, it } from "vitest";
import { cachedSession, forgetSessions, SESSION_CACHE_TTL_MS } from "./session-cache";

// The auth suite (auth.test.ts) proves a ban or sign-out takes effect at once through the real
// better-auth hooks; this one pins the cache's own rules.

function counter<T>(value: T | null) {
  const calls = { n: 0 };
  const load = async () => {
    calls.n++;
    return value;
  };
  return { calls, load };
}

describe("the session cache", () => {
  it("reads a cookie's session once within the TTL, also for requests that arrive together", async () => {
    const owner = {};
    const { calls, load } = counter({ id: "u1" });
    const now = 1_000_000;
    const all = await Promise.all(Array.from({ length: 50 }, () => cachedSession(owner, "c=1", load, now)));
    expect(all.every((u) => u?.id === "u1")).toBe(true);
    expect(calls.n).toBe(1);
    await cachedSession(owner, "c=1", load, now + SESSION_CACHE_TTL_MS - 1);
    expect(calls.n).toBe(1);
    await cachedSession(owner, "c=1", load, now + SESSION_CACHE_TTL_MS);
    expect(calls.n).toBe(2);
    await cachedSession(owner, "c=2", load, now);
    expect(calls.n).toBe(3);
  });

  it("never remembers a missing session, a failed lookup, or a request without cookies", async () => {
    const owner = {};
    const none = counter(null);
    await cachedSession(owner, "c=forged", none.load);
    await cachedSession(owner, "c=forged", none.load);
    expect(none.calls.n).toBe(2);

    let fail = true;
    const flaky = async () => {
      if (fail) throw new Error("database down");
      return { id: "u1" };
    };
    await expect(cachedSession(owner, "c=1", flaky)).rejects.toThrow("database down");
    fail = false;
    await expect(cachedSession(owner, "c=1", flaky)).resolves.toEqual({ id: "u1" });

    const anon = counter({ id: "u1" });
    await cachedSession(owner, null, anon.load);
    await cachedSession(owner, null, anon.load);
    expect(anon.calls.n).toBe(2);
  });

  it("forgets everything after an auth change, including a lookup that was under way", async () => {
    const owner = {};
    const { calls, load } = counter({ id: "u1" });
    await cachedSession(owner, "c=1", load);
    forgetSessions();
    await cachedSession(owner, "c=1", load);
    expect(calls.n).toBe(2);

    let release!: () => void;
    const slow = () =>
      new Promise<{ id: string }>((resolve) => {
        release = () => resolve({ id: "stale" });
      });
    const pending = cachedSession(owner, "c=3", slow);
    forgetSessions();
    release();
    await pending;
    const fresh = counter({ id: "fresh" });
    expect(await cachedSession(owner, "c=3", fresh.load)).toEqual({ id: "fresh" });
    expect(fresh.calls.n).toBe(1);
  });

  it("keeps auth instances apart", async () => {
    const a = counter({ id: "a" });
    const b = counter({ id: "b" });
    expect(await cachedSession({}, "c=1", a.load)).toEqual({ id: "a" });
    expect(await cachedSession({}, "c=1", b.load)).toEqual({ id: "b" });
  });
});
