import type { IncomingMessage, ServerResponse } from "node:http";
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

/**
 * Sets a header on the answer to this request, whatever Response the handler builds. On
 * @hono/node-server it goes straight onto Node's ServerResponse, which merges it into the answer (a
 * header of the same name set by the handler wins): that spares the WHATWG Headers object `c.header()`
 * builds, which costs more than a cached read. Elsewhere (`app.request()` in tests) it is `c.header()`;
 * `onNode` tells the caller which path was taken.
 */
export function answerHeader(c: Context, name: string, value: string, append = false): void {
  const outgoing = nodeAnswer(c);
  if (!outgoing) c.header(name, value, { append });
  else if (append) outgoing.appendHeader(name, value);
  else outgoing.setHeader(name, value);
}

/** True when the app runs on @hono/node-server (headers set by `answerHeader` reach every answer). */
export const onNode = (c: Context) => nodeAnswer(c) !== undefined;

const nodeAnswer = (c: Context) => (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
