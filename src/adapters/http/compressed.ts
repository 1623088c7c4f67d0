import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Context } from "hono";
import { incomingHeader } from "./incoming.js";

type Coding = "br" | "gzip";

/** The coding a client takes, by `Accept-Encoding` (q=0 refuses one); br before gzip; null for none. */
export function acceptedCoding(header: string | undefined): Coding | null {
  if (!header) return null;
  const accepted = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    accepted.set(name.trim(), q ? Number(q.slice(2)) || 0 : 1);
  }
  const takes = (coding: string) => (accepted.get(coding) ?? accepted.get("*") ?? 0) > 0;
  if (takes("br")) return "br";
  if (takes("gzip")) return "gzip";
  return null;
}

/** Below this, a compressed answer saves less than it costs. */
const MIN_BYTES = 1024;

/**
 * A fixed body served compressed when the client asks: each coding is made once, on first use (brotli
 * at a fast quality: the docs bundle is 1.7 MB), then answered from memory like the plain bytes.
 */
export class CompressedBody {
  private readonly codings = new Map<Coding, Uint8Array<ArrayBuffer>>();

  constructor(readonly plain: Uint8Array<ArrayBuffer>) {}

  answer(c: Context, headers: Record<string, string>): Response {
    const coding =
      this.plain.byteLength >= MIN_BYTES ? acceptedCoding(incomingHeader(c, "accept-encoding")) : null;
    const vary = { vary: "Accept-Encoding" };
    if (!coding) return c.body(this.plain, 200, { ...headers, ...vary });
    return c.body(this.encoded(coding), 200, { ...headers, ...vary, "content-encoding": coding });
  }

  private encoded(coding: Coding): Uint8Array<ArrayBuffer> {
    let body = this.codings.get(coding);
    if (!body) {
      const buffer =
        coding === "br"
          ? brotliCompressSync(this.plain, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })
          : gzipSync(this.plain);
      body = new Uint8Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
      this.codings.set(coding, body);
    }
    return body;
  }
}
