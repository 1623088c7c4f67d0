import type { Context } from "hono";
import { describe, expect, it } from "vitest";
import { ClientAddresses, UNKNOWN_CLIENT } from "../../../src/adapters/http/client-address.js";
import { loadConfig } from "../../../src/config.js";

/** What @hono/node-server hands a handler: the Node request with its socket and parsed headers. */
const request = (peer: string | undefined, forwardedFor?: string) =>
  ({
    env: {
      incoming: {
        socket: { remoteAddress: peer },
        headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
      },
    },
  }) as unknown as Context;

describe("the client of a request", () => {
  const direct = new ClientAddresses([]);
  const behindProxies = new ClientAddresses(["10.0.0.0/8", "fd00::/8", "192.0.2.1"]);

  it("is the TCP peer, and X-Forwarded-For is ignored without trusted proxies (anyone can write it)", () => {
    expect(direct.of(request("203.0.113.7", "198.51.100.1"))).toBe("203.0.113.7");
  });

  it("is the first untrusted address from the right when the peer is a trusted proxy", () => {
    expect(behindProxies.of(request("10.1.2.3", "198.51.100.1"))).toBe("198.51.100.1");
    // A client that forges entries only adds them to the left of what the proxies appended.
    expect(behindProxies.of(request("10.1.2.3", "6.6.6.6, 198.51.100.1, 10.9.9.9"))).toBe("198.51.100.1");
    expect(behindProxies.of(request("192.0.2.1", "198.51.100.2"))).toBe("198.51.100.2");
  });

  it("stays the peer when the peer is not trusted, whatever the header says", () => {
    expect(behindProxies.of(request("203.0.113.7", "198.51.100.1"))).toBe("203.0.113.7");
  });

  it("stops at a broken entry and keeps the last address it could trust", () => {
    expect(behindProxies.of(request("10.1.2.3", "198.51.100.1, not-an-ip"))).toBe("10.1.2.3");
    expect(behindProxies.of(request("10.1.2.3", ""))).toBe("10.1.2.3");
  });

  it("groups IPv6 clients by their /64 and reads IPv4-mapped IPv6 as IPv4", () => {
    expect(direct.of(request("2001:db8:1:2:aaaa::1"))).toBe("2001:db8:1:2::/64");
    expect(direct.of(request("2001:db8:1:2:bbbb::9"))).toBe("2001:db8:1:2::/64");
    expect(direct.of(request("2001:db8:1:3::1"))).toBe("2001:db8:1:3::/64");
    expect(direct.of(request("::ffff:203.0.113.7"))).toBe("203.0.113.7");
    expect(behindProxies.of(request("fd00::5", "2001:db8:9:9::77"))).toBe("2001:db8:9:9::/64");
  });

  it("is 'unknown' when the peer cannot be read", () => {
    expect(direct.of(request(undefined))).toBe(UNKNOWN_CLIENT);
    expect(direct.of({ env: {} } as unknown as Context)).toBe(UNKNOWN_CLIENT);
  });
});

describe("TRUSTED_PROXIES", () => {
  it("takes addresses and CIDR ranges, comma-separated, and refuses anything else at start", () => {
    expect(loadConfig({ TRUSTED_PROXIES: " 10.0.0.0/8, ::1 ,fd00::/8" }).TRUSTED_PROXIES).toEqual([
      "10.0.0.0/8",
      "::1",
      "fd00::/8",
    ]);
    expect(loadConfig({}).TRUSTED_PROXIES).toEqual([]);
    expect(() => loadConfig({ TRUSTED_PROXIES: "10.0.0.0/33" })).toThrow(/TRUSTED_PROXIES/);
    expect(() => loadConfig({ TRUSTED_PROXIES: "proxy.internal" })).toThrow(/TRUSTED_PROXIES/);
  });
});
