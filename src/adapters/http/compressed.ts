import { hash } from "node:crypto";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Context } from "hono";
import { answerHeader, answerWith, incomingHeader } from "./incoming.js";

export type Coding = "br" | "gzip";

/** Clients send a handful of different `Accept-Encoding` values: each is read once. */
const codingOfHeader = new Map<string, Coding | null>();

/**
 * The coding a client takes by `Accept-Encoding`: the one of br and gzip with the higher q-value (q=0
 * refuses one, `*` stands for any not named), br on a tie; null for neither.
 */
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
  const qOf = (coding: string) => accepted.get(coding) ?? accepted.get("*") ?? 0;
  const br = qOf("br");
  const gzip = qOf("gzip");
  if (br <= 0 && gzip <= 0) return null;
  return br >= gzip ? "br" : "gzip";
}

/** Below this, a compressed answer saves less than it costs. */
const MIN_BYTES = 1024;

/**
 * Brotli at quality 4 (told the size, so it sets up a window that fits, not 4 MB) and gzip at level 1:
 * both fast enough to run on the request's own time, and within a few percent of their best on JSON.
 */
function encode(coding: Coding, plain: string | Uint8Array): Uint8Array<ArrayBuffer> {
  const buffer =
    coding === "br"
      ? brotliCompressSync(plain, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 4,
            [constants.BROTLI_PARAM_SIZE_HINT]: byteLength(plain),
          },
        })
      : gzipSync(plain, { level: 1 });
  // A copy: a small Buffer is a view into a shared pool, which a kept answer would pin.
  return new Uint8Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
}

const byteLength = (plain: string | Uint8Array) =>
  typeof plain === "string" ? Buffer.byteLength(plain) : plain.byteLength;

/**
 * `Vary: Accept-Encoding` on this answer, beside the `Vary: Origin` of the security headers: on every
 * answer `encodedAnswer` makes, and on a 304 in place of one (which says what the 200 would).
 */
export const varyOnCoding = (c: Context): void => answerHeader(c, "vary", "Accept-Encoding", true);

/**
 * The one way an answer leaves in the coding its client asked for (`Accept-Encoding`): at least 1 KB,
 * br or gzip; smaller, or not asked, as it is. Every such answer says `Vary: Accept-Encoding`, so a
 * shared cache keeps the codings apart; an encoded answer's strong ETag becomes weak (it names the plain
 * bytes). `encoded` gives the bytes of a coding when they are kept somewhere (a fixed body, a shared
 * answer by its SHA-1); otherwise they are made here.
 * Content-Length is the server's, from the bytes sent.
 */
export function encodedAnswer(
  c: Context,
  status: 200 | 201,
  plain: string | Uint8Array<ArrayBuffer>,
  headers: Record<string, string>,
  encoded: (coding: Coding) => Uint8Array<ArrayBuffer> = (coding) => encode(coding, plain),
): Response {
  varyOnCoding(c);
  const coding = byteLength(plain) >= MIN_BYTES ? acceptedCoding(incomingHeader(c, "accept-encoding")) : null;
  if (!coding) return answerWith(c, plain, status, headers);
  const etag = headers.etag;
  return answerWith(c, encoded(coding), status, {
    ...headers,
    "content-encoding": coding,
    ...(etag && !etag.startsWith("W/") ? { etag: `W/${etag}` } : {}),
  });
}

/** JSON text answered through `encodedAnswer`. */
export const jsonAnswer = (
  c: Context,
  status: 200 | 201,
  text: string,
  headers: Record<string, string> = {},
): Response => encodedAnswer(c, status, text, { ...headers, "content-type": "application/json" });

/**
 * A fixed body (a docs asset, the OpenAPI document) served in the coding asked for: each coding is made
 * once, on first use, then answered from memory like the plain bytes.
 */
export class CompressedBody {
  private readonly codings = new Map<Coding, Uint8Array<ArrayBuffer>>();

  constructor(readonly plain: Uint8Array<ArrayBuffer>) {}

  answer(c: Context, headers: Record<string, string>): Response {
    return encodedAnswer(c, 200, this.plain, headers, (coding) => {
      let body = this.codings.get(coding);
      if (!body) {
        body = encode(coding, this.plain);
        this.codings.set(coding, body);
      }
      return body;
    });
  }
}

/**
 * How many bytes of encoded shared answers are kept: a doctor's public read is ~500 bytes encoded, a
 * page of 20 search results ~4 KB, so this holds every doctor the near cache holds (10,000 in the
 * bench) and the popular searches.
 */
const ENCODED_BYTES_KEPT = 8 * 1024 * 1024;

/**
 * Encoded answers by coding and the SHA-1 of their plain text, least recently used first out: the
 * same text always encodes to the same bytes, so an answer many clients get is encoded once.
 */
class EncodedAnswers {
  private readonly kept = new Map<string, Uint8Array<ArrayBuffer>>();
  private bytes = 0;

  of(coding: Coding, digest: string, plain: string): Uint8Array<ArrayBuffer> {
    const key = `${coding} ${digest}`;
    const found = this.kept.get(key);
    if (found) {
      this.kept.delete(key);
      this.kept.set(key, found);
      return found;
    }
    const body = encode(coding, plain);
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

/** One per process: the answers of every public read and search. */
const encodedAnswers = new EncodedAnswers();

/** The SHA-1 of a text, base64url: a public read's ETag and the key of its encoded bytes. */
export const digestOf = (text: string): string => hash("sha1", text, "base64url");

/** How many characters of recent answers' texts `RecentDigests` keeps beside their digests. */
const DIGESTED_CHARS_KEPT = 2 * 1024 * 1024;

/**
 * The digests of the texts answered compressed lately, oldest first out. A search page the search-answer
 * cache gives again is the same text: finding it here (a map lookup that compares the text) costs far
 * less than hashing ~25 KB with SHA-1 again, which was a tenth of such a request's CPU. A hit is not
 * moved to the back: that would store the request's own copy of the text as the key, a young string
 * held from the old generation, promoted with every hit (peak RSS of the bench's API 250 → 400 MB).
 */
class RecentDigests {
  private readonly kept = new Map<string, string>();
  private chars = 0;

  of(text: string): string {
    const found = this.kept.get(text);
    if (found !== undefined) return found;
    const digest = digestOf(text);
    if (text.length > DIGESTED_CHARS_KEPT) return digest;
    this.kept.set(text, digest);
    this.chars += text.length;
    for (const oldest of this.kept.keys()) {
      if (this.chars <= DIGESTED_CHARS_KEPT) break;
      this.kept.delete(oldest);
      this.chars -= oldest.length;
    }
    return digest;
  }
}

const recentDigests = new RecentDigests();

/**
 * JSON text that is the same for everyone who asks (a public read, a search answer), through
 * `encodedAnswer`: asked compressed, its encoded bytes are kept by the text's SHA-1 (`digest`, when the
 * caller has it already) and come from memory after the first time. Answers of one caller (signed-in
 * lists) are not kept: they go through `jsonAnswer`.
 */
export function sharedJsonAnswer(
  c: Context,
  text: string,
  headers: Record<string, string> = {},
  digest?: string,
): Response {
  return encodedAnswer(c, 200, text, { ...headers, "content-type": "application/json" }, (coding) =>
    encodedAnswers.of(coding, digest ?? recentDigests.of(text), text),
  );
}
