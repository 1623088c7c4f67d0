import ipaddr from "ipaddr.js";

export type IpRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** `10.0.0.0/8`, `2001:db8::/32` or a single address (a range of one); throws on anything else. */
export function parseIpRange(entry: string): IpRange {
  const text = entry.trim();
  if (text.includes("/")) return ipaddr.parseCIDR(text);
  const address = ipaddr.parse(text);
  return [address, address.kind() === "ipv4" ? 32 : 128];
}
