import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import fc from "fast-check";
import { PROBLEM_TYPES, problemCode } from "../../src/adapters/http/problem-types.js";

/** The parts of an OpenAPI 3.1 document the reliability suites read. */
export type JsonSchema = Record<string, unknown>;

export interface Parameter {
  readonly name: string;
  readonly in: "path" | "query" | "header" | "cookie";
  readonly required?: boolean;
  readonly schema?: JsonSchema;
}

export interface ResponseObject {
  readonly description?: string;
  readonly content?: Record<string, { schema?: JsonSchema }>;
}

export interface Operation {
  readonly operationId?: string;
  readonly security?: readonly Record<string, readonly string[]>[];
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { required?: boolean; content: Record<string, { schema?: JsonSchema }> };
  readonly responses: Record<string, ResponseObject>;
}

export interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components?: { schemas?: Record<string, JsonSchema> };
}

export interface OperationRef {
  /** `METHOD /path/{param}`, the key of the rule tables. */
  readonly key: string;
  readonly method: string;
  readonly path: string;
  readonly operation: Operation;
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

/**
 * Routes that are not part of the product API: the docs page, the document itself and the probes. They
 * are excluded by name, so that any other route that appears in the document is covered.
 */
export const INFRA_ROUTES: ReadonlySet<string> = new Set([
  "GET /",
  "GET /openapi.json",
  "GET /health",
  "GET /ready",
  "GET /docs/init.js",
  "GET /docs/assets/swagger-ui.css",
  "GET /docs/assets/swagger-ui-bundle.js",
]);

export function operationsOf(doc: OpenApiDocument): OperationRef[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.flatMap((m) => {
      const operation = item[m];
      return operation
        ? [{ key: `${m.toUpperCase()} ${path}`, method: m.toUpperCase(), path, operation }]
        : [];
    }),
  );
}

export const productOperations = (doc: OpenApiDocument) =>
  operationsOf(doc).filter((o) => !INFRA_ROUTES.has(o.key));

export const requiresBearer = (op: Operation) => (op.security ?? []).some((s) => "bearerAuth" in s);

/** Follows `#/components/...` references. */
export function deref(doc: OpenApiDocument, schema: JsonSchema | undefined): JsonSchema {
  let s = schema ?? {};
  for (let hops = 0; typeof s.$ref === "string" && hops < 20; hops++) {
    const parts = (s.$ref as string).replace(/^#\//, "").split("/");
    let target: unknown = doc;
    for (const p of parts)
      target = (target as Record<string, unknown>)[p.replace(/~1/g, "/").replace(/~0/g, "~")];
    s = { ...(target as JsonSchema), ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== "$ref")) };
  }
  return s;
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const mediaType = (contentType: string | undefined) =>
  (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

/**
 * Validates answers against the document's response schemas (JSON Schema 2020-12, as OpenAPI 3.1 says),
 * `$ref`s to components included. An answer whose status or media type the document does not list fails.
 */
export class ResponseValidator {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(doc: OpenApiDocument) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
    addFormats(this.ajv);
    this.ajv.addSchema(doc as unknown as JsonSchema, "openapi.json");
  }

  /** Problems with this answer, or an empty list when it is documented and matches its schema. */
  check(op: OperationRef, answer: Answer): string[] {
    const responses = op.operation.responses;
    const status = String(answer.status);
    const documented =
      responses[status] !== undefined
        ? status
        : responses[`${status[0]}XX`] !== undefined
          ? `${status[0]}XX`
          : responses.default !== undefined
            ? "default"
            : null;
    const where = `${op.key} → ${answer.status}`;
    if (documented === null) return [`${where}: status not documented (${answer.body.slice(0, 300)})`];
    const content = responses[documented]?.content;
    if (!content || Object.keys(content).length === 0) {
      return answer.body.length === 0 ? [] : [`${where}: documented without a body but has one`];
    }
    const type = mediaType(answer.headers["content-type"]);
    const declared = content[type] ? type : Object.keys(content).find((t) => t === "*/*" || t.endsWith("/*"));
    if (!declared)
      return [`${where}: media type ${type || "(none)"} not documented (${Object.keys(content)})`];
    if (!/json/.test(declared)) return [];
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      return [`${where}: body is not JSON: ${answer.body.slice(0, 200)}`];
    }
    const ref = `openapi.json#/${pointer("paths", op.path, op.method.toLowerCase(), "responses", documented, "content", declared, "schema")}`;
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, validate);
    }
    if (validate(body)) return [];
    const errors = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || "/"} ${e.message}`);
    return [`${where}: body does not match the documented schema: ${errors.join("; ")}`];
  }
}

// ---------------------------------------------------------------------------------------------------
// Values built from schemas, and hostile values.

const BOUNDED = 40;

/** Values that satisfy `schema` (as far as a schema can say; catalog names and ids are the fixtures' job). */
export function schemaValue(
  doc: OpenApiDocument,
  schema: JsonSchema | undefined,
  depth = 0,
): fc.Arbitrary<unknown> {
  const s = deref(doc, schema);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  if (s.const !== undefined) return fc.constant(s.const);
  const alternatives = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map((a) => schemaValue(doc, a, depth + 1)));
  if (Array.isArray(s.allOf)) return schemaValue(doc, { ...(s.allOf as JsonSchema[])[0] }, depth + 1);
  const types = Array.isArray(s.type)
    ? (s.type as string[])
    : typeof s.type === "string"
      ? [s.type]
      : s.properties
        ? ["object"]
        : [];
  if (types.length === 0 || depth > 5) return fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(...types.map((t) => valueOfType(doc, s, t, depth)));
}

function valueOfType(
  doc: OpenApiDocument,
  s: JsonSchema,
  type: string,
  depth: number,
): fc.Arbitrary<unknown> {
  const min = typeof s.minimum === "number" ? s.minimum : -1_000_000;
  const max = typeof s.maximum === "number" ? s.maximum : 1_000_000;
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
      return fc.integer({ min: Math.max(min, -2_147_483_648), max: Math.min(max, 2_147_483_647) });
    case "number":
      return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    case "string": {
      const minLength = typeof s.minLength === "number" ? s.minLength : 0;
      const maxLength = Math.max(
        minLength,
        Math.min(typeof s.maxLength === "number" ? s.maxLength : BOUNDED, BOUNDED),
      );
      if (s.format === "email") return fc.emailAddress();
      if (s.format === "date-time") return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      if (typeof s.pattern === "string") {
        return fc
          .stringMatching(new RegExp(s.pattern))
          .filter(
            (v) => v.length >= minLength && v.length <= ((s.maxLength as number | undefined) ?? 10_000),
          );
      }
      return fc.string({ minLength, maxLength, unit: "grapheme" });
    }
    case "array": {
      const minLength = typeof s.minItems === "number" ? s.minItems : 0;
      const maxLength = Math.max(minLength, Math.min(typeof s.maxItems === "number" ? s.maxItems : 3, 3));
      return fc.array(schemaValue(doc, s.items as JsonSchema | undefined, depth + 1), {
        minLength,
        maxLength,
      });
    }
    case "object": {
      const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
      const required = (s.required ?? []) as string[];
      return fc.record(
        Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, schemaValue(doc, v, depth + 1)])),
        { requiredKeys: required.filter((k) => k in properties) },
      );
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Control characters and lone surrogates: Postgres refuses NUL (it answered 500), the rest breaks logs. */
export const CONTROL_STRINGS: readonly string[] = [
  "\u0000",
  "a\u0000b",
  "name\u0000@example.com",
  "\u0001",
  "\u0007bell",
  "\u001b[31mred",
  "\u007f",
  "\u0085",
  "\u009b",
  "\ud800",
  "x\udfff",
  "\udbff\udfff\ud800",
];

/** Numbers in notations a client can send: exponents, far past any range, more digits than a double. */
export const NUMBER_STRINGS: readonly string[] = [
  "1e-7",
  "0.0000001",
  "-1e-7",
  "1E+400",
  "1e30",
  "18446744073709551616",
  "1000000000000000000000000000000",
  "4.999999999999999999999",
];

/** The same as raw JSON number tokens (JSON.stringify cannot write 1E+400 or 2^64 as they are sent). */
export const RAW_JSON_NUMBERS: readonly string[] = [
  "1e-7",
  "-1e-7",
  "1E+400",
  "-1E+400",
  "1e30",
  "18446744073709551616",
  "1000000000000000000000000000000",
  "5e-324",
  "1.0",
  "2E0",
];

/** Strings that have broken parsers, validators, SQL and logs before. None contains a leak marker. */
export const HOSTILE_STRINGS: readonly string[] = [
  "",
  " ",
  "'; DROP TABLE users; --",
  "' OR '1'='1",
  '"; DELETE FROM appointments; --',
  "\u0000",
  "a\u0000b",
  "😀👩‍⚕️🏳️‍🌈",
  "\ud800",
  "\u202eevil",
  "<script>alert(1)</script>",
  "../../../../etc/passwd",
  "%00",
  "$\x7bjndi:ldap://x/a}",
  "{{7*7}}",
  "NaN",
  "Infinity",
  "-1",
  "1.5",
  "1e309",
  "99999999999999999999",
  "0x1F",
  "١٢٣",
  "ＡＢＣ",
  "null",
  "true",
  "[]",
  "{}",
  "\r\n\t",
  "x".repeat(10_000),
  "é".repeat(1_200),
  "monday",
  "24:00",
  "09:60",
  "2026-02-30",
  "0000-00-00",
  ...CONTROL_STRINGS,
  ...NUMBER_STRINGS,
];

export const HOSTILE_NUMBERS: readonly number[] = [
  -1,
  0,
  -0,
  1.5,
  -2_147_483_649,
  2_147_483_648,
  2 ** 53,
  2 ** 53 + 2,
  1e308,
  -1e308,
  5e-324,
  1e20,
  1e-7,
  2 ** 64,
  1e30,
];

/** A megabyte: more than any body the API accepts. */
export const HUGE_STRING = "x".repeat(1024 * 1024);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [1, "a"], { a: { b: [null] } }),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 30, unit: "binary" }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** Control characters, lone surrogates (as the UTF-8 bytes they would be) and odd numbers, percent-encoded. */
export const CONTROL_PATH_VALUES: readonly string[] = [
  "%00",
  "a%00b",
  "%01",
  "%07bell",
  "%1B%5B31m",
  "%7F",
  "%C2%85",
  "%ED%A0%80",
  "x%ED%BF%BF",
  "1e-7",
  "0.0000001",
  "1E%2B400",
  "1e30",
  "18446744073709551616",
  "1000000000000000000000000000000",
];

/** Path segment values (already percent-encoded where they must be). */
export const HOSTILE_PATH_VALUES: readonly string[] = [
  "-1",
  "0",
  "1.5",
  "1e3",
  "0x10",
  "%27%3B%20DROP%20TABLE%20doctors%3B--",
  "%00",
  "%2e%2e%2f%2e%2e%2f",
  "99999999999999999999",
  "2147483648",
  "NaN",
  "Infinity",
  "null",
  "%F0%9F%98%80",
  "%D9%A1",
  "%20",
  "a".repeat(2_000),
  "%E2%80%AE1",
  "1%0A2",
  "monday",
  "cardiologist",
  ...CONTROL_PATH_VALUES,
];

const LEAK = /SELECT |syntax error|violates|relation "| {4}at |password_hash/;

/** Whether an answer shows SQL, a stack trace or a password hash field. */
export const leakIn = (body: string): string | null => LEAK.exec(body)?.[0] ?? null;

/** Checks the shape every error answer must have: problem+json with type, title, status and detail. */
export function problemShapeErrors(answer: Answer): string[] {
  if (answer.status < 400 || answer.status >= 600) return [];
  const errors: string[] = [];
  if (mediaType(answer.headers["content-type"]) !== "application/problem+json") {
    errors.push(`${answer.status} with content-type ${answer.headers["content-type"]}`);
  }
  try {
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    for (const k of ["type", "title", "detail"]) {
      if (typeof body[k] !== "string") errors.push(`${answer.status}: problem without string ${k}`);
    }
    if (body.status !== answer.status)
      errors.push(`${answer.status}: problem.status is ${String(body.status)}`);
    // Every problem type is one GET /problems/{code} explains.
    const code = typeof body.type === "string" ? problemCode(body.type) : null;
    if (!code || !Object.hasOwn(PROBLEM_TYPES, code))
      errors.push(`${answer.status}: problem type ${String(body.type)} is not in the catalogue`);
  } catch {
    errors.push(`${answer.status}: problem body is not JSON: ${answer.body.slice(0, 200)}`);
  }
  return errors;
}

/** encodeURIComponent that also takes lone surrogates (sent as the invalid UTF-8 bytes they would be). */
export function encodeAny(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...value]
      .map((ch) => (/[\ud800-\udfff]/.test(ch) ? "%ED%A0%80" : encodeURIComponent(ch)))
      .join("");
  }
}
