import type { DoctorDocument, DoctorSearchQuery } from "../../ports/doctor-search.js";

/**
 * Client text never reaches RediSearch as syntax. Free text is cut into words the same way on both
 * sides (our own tokenizer, not the module's): letters and digits only, lower case, accents removed.
 * A word therefore cannot hold a query-syntax character, and the name "O'Brien-Smith (Jr.)" is indexed
 * as "o brien smith jr", so the same words typed by a client find it. Tag values are matched whole, with
 * every ASCII character that is not a letter or digit backslash-escaped.
 */
export function words(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== "");
}

/** Vowel-tolerant form of a word (first letter kept, later vowels and doubled letters dropped): `ayesha` → `aysh`, so the prefix `ays` still finds it. */
export function skeleton(word: string): string {
  const [first = "", ...rest] = word;
  return (
    first +
    rest
      .join("")
      .replace(/[aeiou]/g, "")
      .replace(/(.)\1+/g, "$1")
  );
}

/** Tag values are stored trimmed and lower case; `,` separates values, so it cannot be part of one. */
const tagValue = (value: string): string => value.trim().toLowerCase().replace(/,/g, " ");

export function escapeTag(value: string): string {
  return tagValue(value).replace(/[^A-Za-z0-9]/g, (c) => (c.charCodeAt(0) < 0x80 ? `\\${c}` : c));
}

/** A fee larger than any real one, stored for doctors without slots so that they sort last by fee. */
export const NO_FEE = Number.MAX_SAFE_INTEGER;

const MIN_PREFIX = 2;
const MIN_FUZZY = 4;
/** Bounds on what one search may ask of RediSearch (API.md "Search costs are bounded"). */
export const MAX_SEARCH_WORDS = 5;
export const MAX_WORD_LENGTH = 40;

/**
 * The words a search uses: distinct, at least a prefix's 2 letters, at most 40 characters each (longer
 * ones are cut), the first 5. Everything else in the text is ignored, so a query's cost no longer grows
 * with what a client types ("ka ka … ka" is one word).
 */
export function searchWords(text: string): string[] {
  const used = new Set<string>();
  for (const word of words(text)) {
    if (word.length < MIN_PREFIX) continue;
    used.add([...word].slice(0, MAX_WORD_LENGTH).join(""));
    if (used.size === MAX_SEARCH_WORDS) break;
  }
  return [...used];
}
/** The end of the widest result window RediSearch serves (its MAXSEARCHRESULTS default). */
const MAX_SEARCH_RESULTS = 1_000_000;

/**
 * A finite number in plain decimal notation, as RediSearch's query parser reads it: `String(1e-7)` is
 * "1e-7" and `String(1e21)` is "1e+21", both syntax errors there. Below 1e-6 the digits are written out
 * (20 decimals, far finer than any rating or fee), from 1e21 on the exact integer is written.
 */
export const numberLiteral = (n: number): string => {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  const plain = String(n);
  if (!/e/i.test(plain)) return plain;
  if (Math.abs(n) >= 1e21) return BigInt(n).toString();
  return n.toFixed(20).replace(/\.?0+$/, "");
};

/**
 * One word of client text. Typo tolerance (`%word%`, the costliest branch) is for a single word only:
 * in a query of several words each word is already narrowed by the others, and five fuzzy branches over
 * words every doctor matches cost Redis ~2× as much as five prefixes.
 */
function nameWordClause(word: string, field: string | null, fuzzy: boolean): string {
  const scoped = (term: string) => (field ? `@${field}:${term}` : term);
  const branches = [scoped(`${word}*`)];
  // RediSearch 1.2 reads `%1234%` as a number (syntax error, answered 503): no fuzzy term for digits only.
  if (fuzzy && field === null && word.length >= MIN_FUZZY && !/^[0-9]+$/.test(word)) {
    branches.push(`%${word}%`);
  }
  const skel = skeleton(word);
  if (skel.length >= MIN_PREFIX) branches.push(`@name_skel:${skel}*`);
  // Each branch gets its own parentheses: RediSearch 1.2 reads `(@a:x|@b:y)` as `@a:(x|@b:y)`.
  return branches.length === 1 ? (branches[0] as string) : `(${branches.map((b) => `(${b})`).join("|")})`;
}

export interface BuiltSearch {
  /** The query string, or null when client text held no searchable word (nothing can match). */
  readonly query: string | null;
  /** FT.SEARCH arguments after the query. */
  readonly options: readonly string[];
  /** The page lies past the engine's result window: only the total is wanted. */
  readonly countOnly: boolean;
}

const SORT: Record<DoctorSearchQuery["sort"], readonly string[]> = {
  relevance: [],
  rating: ["SORTBY", "rating", "DESC"],
  experience: ["SORTBY", "experience", "DESC"],
  fee: ["SORTBY", "fee", "ASC"],
};

/** Builds the FT.SEARCH query and options for a search; pure, and the same for RediSearch 1.x and 2.x. */
export function buildDoctorSearch(q: DoctorSearchQuery): BuiltSearch {
  const clauses: string[] = [];
  let impossible = false;
  const text = (value: string | undefined, field: string | null) => {
    if (value === undefined) return;
    const ws = searchWords(value);
    if (ws.length === 0 && value.trim() !== "") impossible = true;
    for (const w of ws) clauses.push(nameWordClause(w, field, ws.length === 1));
  };
  text(q.namePrefix, "name");
  text(q.text, null);
  const tag = (field: string, value: string | undefined) => {
    if (value === undefined) return;
    if (tagValue(value).trim() === "") impossible = true;
    else clauses.push(`@${field}:{${escapeTag(value)}}`);
  };
  tag("specializations", q.specialization);
  tag("qualifications", q.qualification);
  tag("days", q.day);
  if (q.minRating !== undefined) clauses.push(`@rating:[${numberLiteral(q.minRating)} +inf]`);
  if (q.maxFee !== undefined) clauses.push(`@fee:[-inf ${numberLiteral(Math.min(q.maxFee, NO_FEE - 1))}]`);

  const page = Math.max(1, Math.trunc(q.page));
  const perPage = Math.max(1, Math.trunc(q.perPage));
  // RediSearch refuses ("Invalid LIMIT parameters") a window ending past its result cap, and 1.x refuses
  // LIMIT 0 0; such a page is empty anyway, so fetch one hit for the total and drop it.
  const countOnly = page * perPage > MAX_SEARCH_RESULTS;
  const limit = countOnly ? ["0", "1"] : [String((page - 1) * perPage), String(perPage)];
  return {
    query: impossible ? null : clauses.length === 0 ? "*" : clauses.join(" "),
    options: [...SORT[q.sort], "LIMIT", ...limit, "RETURN", "1", "json"],
    countOnly,
  };
}

/** Field/value pairs of a document's hash; `json` is stored but not part of the schema. */
export function documentFields(doc: DoctorDocument): string[] {
  const nameWords = words(doc.name);
  const fields: [string, string][] = [
    ["name", nameWords.join(" ")],
    ["name_skel", nameWords.map(skeleton).join(" ")],
    ["description", words(doc.description).join(" ")],
    ["specializations", doc.specializations.map(tagValue).join(",")],
    ["qualifications", doc.qualifications.map(tagValue).join(",")],
    ["days", doc.days.map(tagValue).join(",")],
    ["experience", numberLiteral(doc.experience)],
    ["fee", numberLiteral(doc.min_fee ?? NO_FEE)],
    ["json", JSON.stringify(doc.doctor)],
  ];
  if (doc.rating !== null) fields.push(["rating", numberLiteral(doc.rating)]);
  return fields.flat();
}

/** The index schema (after `SCHEMA`). A missing rating sorts last when sorting high to low. */
export const SCHEMA: readonly string[] = [
  ["name", "TEXT", "NOSTEM", "WEIGHT", "5"],
  ["name_skel", "TEXT", "NOSTEM", "WEIGHT", "1"],
  ["description", "TEXT", "WEIGHT", "1"],
  ["specializations", "TAG", "SEPARATOR", ","],
  ["qualifications", "TAG", "SEPARATOR", ","],
  ["days", "TAG", "SEPARATOR", ","],
  ["rating", "NUMERIC", "SORTABLE"],
  ["experience", "NUMERIC", "SORTABLE"],
  ["fee", "NUMERIC", "SORTABLE"],
].flat();
