import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import ipaddr from "ipaddr.js";
import { incomingHeader } from "./incoming.js";
import { type IpRange, parseIpRange } from "./ip-range.js";

/** The name a client goes by when its address cannot be read (e.g. `app.request()` in tests). */
export const UNKNOWN_CLIENT = "unknown";

/** IPv4-mapped IPv6 (`::ffff:10.1.2.3`) is the IPv4 address it maps. */
function parse(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const trimmed = text.trim();
  if (!ipaddr.isValid(trimmed)) return null;
  const address = ipaddr.parse(trimmed);
  return address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

/**
 * The client's name for the limits: an IPv4 address as is, an IPv6 address as its /64 (one subscriber
 * usually holds a whole /64, so counting single IPv6 addresses would let it rotate freely).
 */
function clientName(address: ipaddr.IPv4 | ipaddr.IPv6): string {
  if (address.kind() === "ipv4") return address.toString();
  const network = (address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${network.join(":")}::/64`;
}

/**
 * Who sent a request, for per-client limits. The TCP peer, unless the peer is one of the trusted
 * proxies: then `X-Forwarded-For` is read from the right (each proxy appends the address it saw), and
 * the first address that is not itself a trusted proxy is the client. Without trusted proxies the header
 * is ignored: anyone can write it.
 */
export class ClientAddresses {
  private readonly trusted: readonly IpRange[];

  constructor(trustedProxies: readonly string[]) {
    this.trusted = trustedProxies.map(parseIpRange);
  }

  of(c: Context): string {
    const peer = parse(peerAddress(c) ?? "");
    if (!peer) return UNKNOWN_CLIENT;
    if (!this.isTrusted(peer)) return clientName(peer);
    const hops = (incomingHeader(c, "x-forwarded-for") ?? "").split(",").reverse();
    let client = peer;
    for (const hop of hops) {
      const address = parse(hop);
      if (!address) break; // a forged or broken entry: trust nothing to its left
      client = address;
      if (!this.isTrusted(address)) break;
    }
    return clientName(client);
  }

  private isTrusted(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
    // match() compares addresses of one kind only; both sides are narrowed by kind() first.
    return this.trusted.some(
      ([range, bits]) =>
        range.kind() === address.kind() && (address as ipaddr.IPv4).match(range as ipaddr.IPv4, bits),
    );
  }
}

function peerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}
