import type { IncomingMessage } from "node:http";
import type { Context } from "hono";

/**
 * A request header read from Node's parsed headers when the app runs on @hono/node-server. Reading
 * `c.req.header()` makes the server build a WHATWG Headers object for the request, which costs more than
 * a cached read itself; middleware that runs on every request reads through here instead.
 */
export function incomingHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}
