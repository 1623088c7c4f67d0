import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "hono";
import type { StatusCode } from "hono/utils/http-status";

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

/**
 * `c.newResponse(body, status)` with `headers`: the Content-Type on the Response, every other header through
 * `answerHeader`. hono hands @hono/node-server a Response with a single header as a plain object, which
 * the server writes out as it is, but builds a WHATWG Headers object for two or more: for a cached
 * doctor read with its ETag and Cache-Control that was a sixth of the process's throughput (bench row
 * 2a, 2026-12-07). The headers given win over the same names set earlier in the chain, as a Response's
 * own do.
 */
export function answerWith(
  c: Context,
  body: string | Uint8Array<ArrayBuffer> | null,
  status: StatusCode,
  headers: Record<string, string> = {},
): Response {
  let contentType: string | undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (name === "content-type") contentType = value;
    else answerHeader(c, name, value);
  }
  return contentType === undefined
    ? c.newResponse(body, status)
    : c.newResponse(body, status, { "content-type": contentType });
}

/** True when the app runs on @hono/node-server (headers set by `answerHeader` reach every answer). */
export const onNode = (c: Context) => nodeAnswer(c) !== undefined;

const nodeAnswer = (c: Context) => (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
