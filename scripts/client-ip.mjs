// The client's address as `npm start` (scripts/start.mjs) hands it to the app, in X-Forwarded-For.
//
// better-auth limits sign-in attempts per client IP and reads it from X-Forwarded-For. A client that
// talks to the server directly can put anything there, so that header is only believed as far as
// the proxies the operator names in TRUSTED_PROXIES (IP addresses or CIDR ranges, comma-separated):
// starting from the TCP peer, each hop that is a trusted proxy is replaced by the address it says it
// got the request from. Without TRUSTED_PROXIES the TCP peer is the client. The result is always a
// single address, which replaces whatever X-Forwarded-For the request came with.
import { BlockList, isIP } from "node:net";

/** An IPv4 address written as IPv6 (`::ffff:10.0.0.1`, how a dual-stack socket reports it) as IPv4. */
function plain(address) {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address;
}

function family(address) {
  return isIP(address) === 6 ? "ipv6" : "ipv4";
}

/**
 * Parses TRUSTED_PROXIES. Returns undefined when it is empty; throws, naming the entry, when an entry
 * is neither an address nor a CIDR range (a typo must not silently trust nobody — or everybody).
 */
export function parseTrustedProxies(text) {
  const entries = (text ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return undefined;
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefixText, extra] = entry.split("/");
    const version = isIP(plain(address ?? ""));
    const max = version === 6 ? 128 : 32;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (version === 0 || extra !== undefined || !/^\d+$/.test(prefixText ?? String(max)) || prefix > max) {
      throw new Error(
        `TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range (e.g. 10.0.0.0/8, 127.0.0.1, ::1)`,
      );
    }
    list.addSubnet(plain(address), prefix, version === 6 ? "ipv6" : "ipv4");
  }
  return list;
}

/**
 * The client's address: `peer` (the socket's remote address) unless it is a trusted proxy, in which
 * case the X-Forwarded-For chain is walked from the right while each hop is trusted. A hop that is
 * not an address ends the walk at the last one known.
 */
export function clientAddress(peer, forwardedFor, trusted) {
  let client = plain(peer ?? "");
  if (!trusted || !client) return client;
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? ""))
    .split(",")
    .map((hop) => plain(hop.trim()))
    .filter(Boolean);
  while (chain.length > 0 && isIP(client) && trusted.check(client, family(client))) {
    const next = chain.pop();
    if (!isIP(next)) break;
    client = next;
  }
  return client;
}
