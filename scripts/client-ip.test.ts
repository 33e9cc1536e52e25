import { describe, expect, it } from "vitest";
import { clientAddress, parseTrustedProxies } from "./client-ip.mjs";

describe("the client address npm start gives the app", () => {
  it("is the TCP peer when no proxy is trusted, whatever X-Forwarded-For claims", () => {
    expect(clientAddress("203.0.113.9", "198.51.100.1", undefined)).toBe("203.0.113.9");
    expect(clientAddress("203.0.113.9", ["1.1.1.1", "2.2.2.2"], undefined)).toBe("203.0.113.9");
    expect(clientAddress("::ffff:203.0.113.9", undefined, undefined)).toBe("203.0.113.9");
  });

  it("is the TCP peer when the peer is not a trusted proxy", () => {
    const trusted = parseTrustedProxies("10.0.0.0/8");
    expect(clientAddress("203.0.113.9", "198.51.100.1", trusted)).toBe("203.0.113.9");
  });

  it("walks X-Forwarded-For from the right through trusted proxies only", () => {
    const trusted = parseTrustedProxies("10.0.0.0/8, 192.168.1.5");
    // A client-made first entry is ignored: the first untrusted hop from the right is the client.
    expect(clientAddress("10.0.0.2", "6.6.6.6, 198.51.100.7, 192.168.1.5", trusted)).toBe("198.51.100.7");
    expect(clientAddress("::ffff:10.1.2.3", "198.51.100.7", trusted)).toBe("198.51.100.7");
    // Every hop trusted: the leftmost is as far as the chain goes.
    expect(clientAddress("10.0.0.2", "10.9.9.9", trusted)).toBe("10.9.9.9");
    // A trusted proxy that forwards no header: the proxy is all we know.
    expect(clientAddress("10.0.0.2", undefined, trusted)).toBe("10.0.0.2");
  });

  it("stops at a hop that is not an address", () => {
    const trusted = parseTrustedProxies("127.0.0.1");
    expect(clientAddress("127.0.0.1", "unknown", trusted)).toBe("127.0.0.1");
    expect(clientAddress("127.0.0.1", "198.51.100.7, <script>", trusted)).toBe("127.0.0.1");
  });

  it("handles IPv6 peers and ranges", () => {
    const trusted = parseTrustedProxies("::1, fd00::/8");
    expect(clientAddress("::1", "2001:db8::7", trusted)).toBe("2001:db8::7");
    expect(clientAddress("fd12::3", "2001:db8::8", trusted)).toBe("2001:db8::8");
    expect(clientAddress("2001:db8::9", "2001:db8::8", trusted)).toBe("2001:db8::9");
  });
});

describe("TRUSTED_PROXIES", () => {
  it("is nobody when empty", () => {
    expect(parseTrustedProxies(undefined)).toBeUndefined();
    expect(parseTrustedProxies(" , ")).toBeUndefined();
  });

  it("refuses an entry that is not an address or range, naming it", () => {
    for (const bad of ["localhost", "10.0.0.0/33", "10.0.0.0/8/1", "::1/129", "10.0.0.0/x", "*"]) {
      expect(() => parseTrustedProxies(`127.0.0.1,${bad}`)).toThrow(bad);
    }
  });
});
