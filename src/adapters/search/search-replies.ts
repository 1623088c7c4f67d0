import type { DoctorSearchPage } from "../../ports/doctor-search.js";

/**
 * Readers of RediSearch replies, in every form a client can meet them:
 * - RESP2 (1.x and 2.x always on a RESP2 connection; 1.2 and 2.2 also on RESP3): FT.SEARCH is
 *   `[total, key, [field, value, …], key, …]`, FT.INFO a flat `[name, value, …]` list.
 * - RESP3 (2.8+ on a RESP3 connection): FT.SEARCH is a map `{attributes, format, results: [{id,
 *   extra_attributes: {field: value}, values}], total_results, warning}`, FT.INFO a map. ioredis hands a
 *   map over as a flat `[key, value, …]` array by default ("legacy" reply mapping) or as an object.
 * The search connection is pinned to RESP2 (docs/adr/0001); reading both forms means a changed client
 * default can never silently empty search again, and anything else is refused loudly, never read as 0.
 */
export class UnexpectedSearchReplyError extends Error {}

type Fields = ReadonlyMap<string, unknown>;

/** A RESP3 map as ioredis may hand it over: a Map, a plain object or a flat key/value array. */
export function asMap(value: unknown): Fields | null {
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [String(k), v]));
  if (Array.isArray(value)) {
    if (value.length % 2 !== 0) return null;
    const fields = new Map<string, unknown>();
    for (let i = 0; i < value.length; i += 2) {
      const key = value[i];
      if (typeof key !== "string" && !Buffer.isBuffer(key)) return null;
      fields.set(String(key), value[i + 1]);
    }
    return fields;
  }
  if (value !== null && typeof value === "object") return new Map(Object.entries(value));
  return null;
}

function count(value: unknown): number {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0)
    throw new UnexpectedSearchReplyError("FT.SEARCH total is not a count");
  return n;
}

const text = (value: unknown): string | null =>
  typeof value === "string" ? value : Buffer.isBuffer(value) ? value.toString("utf8") : null;

/** True for the RESP3 map form of FT.SEARCH (its first key is one of the map's, never a count). */
function isResp3Search(reply: unknown): Fields | null {
  const fields = asMap(reply);
  return fields?.has("total_results") && fields.has("results") ? fields : null;
}

export interface ParsedSearchReply extends DoctorSearchPage {
  /** Warnings RediSearch attached to the answer (RESP3 only), such as a reached timeout. */
  readonly warnings: readonly string[];
}

/** FT.SEARCH `… RETURN 1 json` → the total and the Doctors stored in each hit's `json` field. */
export function parseSearchReply(reply: unknown): ParsedSearchReply {
  const resp3 = isResp3Search(reply);
  if (resp3) {
    const results = resp3.get("results");
    if (!Array.isArray(results)) throw new UnexpectedSearchReplyError("FT.SEARCH results is not a list");
    const doctorsJson: string[] = [];
    for (const result of results) {
      const hit = asMap(result);
      const json = text(asMap(hit?.get("extra_attributes"))?.get("json"));
      if (json !== null) doctorsJson.push(json);
    }
    const warning = resp3.get("warning");
    const warnings = (Array.isArray(warning) ? warning : warning ? [warning] : [])
      .map(text)
      .filter((w) => w !== null);
    return { total: count(resp3.get("total_results")), doctorsJson, warnings };
  }
  if (!Array.isArray(reply) || reply.length === 0 || reply.length % 2 !== 1) {
    throw new UnexpectedSearchReplyError("unexpected FT.SEARCH reply");
  }
  const total = count(reply[0]);
  const doctorsJson: string[] = [];
  for (let i = 1; i + 1 < reply.length; i += 2) {
    const fields = reply[i + 1];
    if (!Array.isArray(fields)) continue;
    const at = fields.findIndex((v, j) => j % 2 === 0 && text(v) === "json");
    const json = at >= 0 ? text(fields[at + 1]) : null;
    if (json !== null) doctorsJson.push(json);
  }
  return { total, doctorsJson, warnings: [] };
}

/** One top-level field of an FT.INFO reply (RESP2 list or RESP3 map), or undefined when absent. */
export function infoField(reply: unknown, field: string): unknown {
  const fields = asMap(reply);
  if (!fields) throw new UnexpectedSearchReplyError("unexpected FT.INFO reply");
  return fields.get(field);
}

/** Whether an index created over existing hashes is still scanning them (2.x; 1.x has no such field). */
export function isStillIndexing(info: unknown): boolean {
  const value = infoField(info, "indexing");
  return value !== undefined && value !== null && String(value) !== "0";
}
