import http from "node:http";
import type { Answer } from "./openapi.js";

export interface RawRequest {
  readonly method: string;
  /** Sent as is: the caller percent-encodes what must be. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** A loopback source address, so that per-address limits of one test never touch other tests. */
  readonly localAddress?: string;
  readonly timeoutMs?: number;
}

/**
 * One HTTP request with node:http rather than fetch: any content type, any bytes and any header value
 * fetch would refuse can be sent, and the answer comes back as it is on the wire.
 */
export function rawRequest(baseUrl: string, req: RawRequest): Promise<Answer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let answered = false;
    const r = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        headers: {
          ...(req.body !== undefined ? { "content-length": String(Buffer.byteLength(req.body)) } : {}),
          ...req.headers,
        },
        localAddress: req.localAddress,
        agent: false,
        timeout: req.timeoutMs ?? 20_000,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: Object.fromEntries(
              Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
            ),
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    r.on("timeout", () => r.destroy(new Error(`${req.method} ${req.path.slice(0, 100)} timed out`)));
    r.on("error", (error) => {
      // A server may answer (413) before it has read a huge body and close; the answer is what counts.
      if (!answered) reject(error);
    });
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

export const randomLoopback = () =>
  `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
