import { type LookupAddress, lookup } from "node:dns";
import ipaddr from "ipaddr.js";
import type { WebhookTargetGuard } from "../../ports/webhooks.js";

/** How long a name may take to resolve before the target counts as not resolving. */
const LOOKUP_TIMEOUT_MS = 3_000;

/** Whether an address is one on the public internet (not loopback, private, link-local, reserved…). */
export function isPublicAddress(text: string): boolean {
  if (!ipaddr.isValid(text)) return false;
  let address = ipaddr.parse(text);
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
  }
  return address.range() === "unicast";
}

/** The host of a URL without IPv6 brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, "$1");

function resolveAll(host: string, timeoutMs = LOOKUP_TIMEOUT_MS): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("name lookup timed out")), timeoutMs);
    lookup(host, { all: true, verbatim: true }, (error, addresses) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(addresses);
    });
  });
}

/**
 * The SSRF guard: a target must be `https`, without credentials, and every address its name resolves to
 * must be public — unless private targets are allowed (development and tests), which also allows `http`.
 */
export class DnsWebhookTargetGuard implements WebhookTargetGuard {
  constructor(
    private readonly allowPrivate: boolean,
    private readonly resolve: (host: string) => Promise<readonly { address: string }[]> = resolveAll,
  ) {}

  async refusal(text: string): Promise<string | null> {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return "not a URL";
    }
    const protocols = this.allowPrivate ? ["https:", "http:"] : ["https:"];
    if (!protocols.includes(url.protocol)) return "must be an https URL";
    if (url.username !== "" || url.password !== "") return "must not hold credentials";
    if (this.allowPrivate) return null;
    const host = hostOf(url);
    if (ipaddr.isValid(host)) return isPublicAddress(host) ? null : privateRefusal;
    let addresses: readonly { address: string }[];
    try {
      addresses = await this.resolve(host);
    } catch {
      return "its host name does not resolve";
    }
    if (addresses.length === 0) return "its host name does not resolve";
    return addresses.every((a) => isPublicAddress(a.address)) ? null : privateRefusal;
  }

  /** Whether a resolved address may be connected to (checked again at connect time). */
  allows(address: string): boolean {
    return this.allowPrivate || isPublicAddress(address);
  }
}

const privateRefusal = "must not resolve to a loopback, private or link-local address";
