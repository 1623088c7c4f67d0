import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Context, MiddlewareHandler } from "hono";
import { incomingHeader } from "./incoming.js";

type Coding = "br" | "gzip";

/** Clients send a handful of different `Accept-Encoding` values: each is read once. */
const codingOfHeader = new Map<string, Coding | null>();

/** The coding a client takes, by `Accept-Encoding` (q=0 refuses one); br before gzip; null for none. */
export function acceptedCoding(header: string | undefined): Coding | null {
  if (!header) return null;
  const known = codingOfHeader.get(header);
  if (known !== undefined) return known;
  const coding = parseAcceptEncoding(header);
  if (codingOfHeader.size >= 256) codingOfHeader.clear();
  codingOfHeader.set(header, coding);
  return coding;
}

function parseAcceptEncoding(header: string): Coding | null {
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

/** Content types worth compressing: JSON (problem+json too), text, scripts, SVG. */
const COMPRESSIBLE = /^(application\/(?:[\w.+-]*\+)?json|text\/|application\/javascript|image\/svg\+xml)/i;

/**
 * Brotli at a fast quality, told the size (so it sets up a window that fits, not 4 MB): one answer at a
 * time, on the request's own time.
 */
const encode = (coding: Coding, plain: Uint8Array): Uint8Array<ArrayBuffer> => {
  const buffer =
    coding === "br"
      ? brotliCompressSync(plain, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 5,
            [constants.BROTLI_PARAM_SIZE_HINT]: plain.byteLength,
          },
        })
      : gzipSync(plain);
  return new Uint8Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
};

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
      body = encode(coding, this.plain);
      this.codings.set(coding, body);
    }
    return body;
  }
}

/**
 * How many bytes of encoded answers with a strong ETag are kept: a doctor's public read is ~350 bytes
 * encoded, so this holds every doctor the near cache holds (10,000 in the bench) several times over.
 */
const ENCODED_BYTES_KEPT = 8 * 1024 * 1024;

/**
 * Encoded answers by coding and strong ETag, least recently used first out: the ETag names the exact
 * plain bytes, so the same ETag always encodes to the same bytes, and a public read asked compressed is
 * encoded once, not per request.
 */
class EncodedAnswers {
  private readonly kept = new Map<string, Uint8Array<ArrayBuffer>>();
  private bytes = 0;

  /** `plain` is read only when the encoded bytes are not kept already. */
  of(coding: Coding, etag: string | null, plain: Uint8Array | (() => Uint8Array)): Uint8Array<ArrayBuffer> {
    const bytes = () => (typeof plain === "function" ? plain() : plain);
    if (!etag || etag.startsWith("W/")) return encode(coding, bytes());
    const key = `${coding} ${etag}`;
    const found = this.kept.get(key);
    if (found) {
      this.kept.delete(key);
      this.kept.set(key, found);
      return found;
    }
    const body = encode(coding, bytes());
    this.kept.set(key, body);
    this.bytes += body.byteLength;
    for (const [oldest, old] of this.kept) {
      if (this.bytes <= ENCODED_BYTES_KEPT) break;
      this.kept.delete(oldest);
      this.bytes -= old.byteLength;
    }
    return body;
  }
}

/** One per process: the answers of every public read. */
const encodedAnswers = new EncodedAnswers();

/**
 * Requests whose answer is final as made (encoded already, or decided to be sent plain): the middleware
 * leaves it untouched, not even read (reading c.res makes a WHATWG Response of an answer Node would
 * otherwise send directly, which costs a public read more than half its speed).
 */
const answeredFinal = new WeakSet<Context>();

/**
 * A public read's JSON text with its strong ETag, compressed when the client asks and it is over 1 KB:
 * the encoded bytes come from memory after the first time, and the answer is made once, on the same path
 * as a plain one (not re-read by `compressAnswers`). Null when it is to be sent plain.
 */
export function compressedPublicRead(
  c: Context,
  text: string,
  etag: string,
  headers: Record<string, string>,
): Response | null {
  answeredFinal.add(c);
  if (text.length < MIN_BYTES) return null;
  const coding = acceptedCoding(incomingHeader(c, "accept-encoding"));
  if (!coding) return null;
  const body = encodedAnswers.of(coding, etag, () => new TextEncoder().encode(text));
  return c.body(body, 200, {
    ...headers,
    "content-type": "application/json",
    "content-encoding": coding,
    // The ETag names the plain bytes; the same answer encoded is only weakly the same.
    etag: `W/${etag}`,
    vary: "Origin, Accept-Encoding",
  });
}

/**
 * API answers over 1 KB compressed for clients that ask (`Accept-Encoding`). A request that does not
 * ask costs one header read: the answer is left as the handler made it, on Node's fast path. Answers
 * already encoded (the docs assets), 304s and HEADs are left alone; a strong ETag becomes weak, since
 * the bytes sent differ from the ones it names.
 */
export function compressAnswers(): MiddlewareHandler {
  return async (c, next) => {
    const coding = acceptedCoding(incomingHeader(c, "accept-encoding"));
    await next();
    if (!coding || answeredFinal.has(c) || c.req.method === "HEAD" || c.res.status !== 200 || !c.res.body)
      return;
    const res = c.res;
    if (res.headers.has("content-encoding") || !COMPRESSIBLE.test(res.headers.get("content-type") ?? ""))
      return;
    const plain = new Uint8Array(await res.arrayBuffer());
    // Assigning c.res carries the old answer's headers over; they are corrected after.
    const small = plain.byteLength < MIN_BYTES;
    c.res = new Response(small ? plain : encodedAnswers.of(coding, res.headers.get("etag"), plain), res);
    const headers = c.res.headers;
    // A Vary on the Response replaces the `Vary: Origin` the security middleware put on Node's answer.
    const vary = new Set(
      (headers.get("vary") ?? "")
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean),
    );
    for (const name of ["Origin", "Accept-Encoding"]) vary.add(name);
    headers.set("vary", [...vary].join(", "));
    if (small) return;
    headers.set("content-encoding", coding);
    headers.delete("content-length");
    const etag = headers.get("etag");
    if (etag && !etag.startsWith("W/")) headers.set("etag", `W/${etag}`);
  };
}
