import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCTOR_SEARCH_INDEX, type DoctorSearchIndex } from "../../../src/ports/doctor-search.js";
import {
  CONTROL_PATH_VALUES,
  CONTROL_STRINGS,
  deref,
  encodeAny,
  HOSTILE_PATH_VALUES,
  HOSTILE_STRINGS,
  HUGE_STRING,
  hostileValue,
  type JsonSchema,
  leakIn,
  NUMBER_STRINGS,
  type OpenApiDocument,
  type OperationRef,
  problemShapeErrors,
  productOperations,
  RAW_JSON_NUMBERS,
  ResponseValidator,
  schemaValue,
} from "../../support/openapi.js";
import { randomLoopback, rawRequest } from "../../support/raw-http.js";
import {
  multipartBody,
  REQUESTS,
  type RequestContext,
  requestContext,
} from "../../support/route-requests.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { buildWorld, freshToken, type SignedInRole, type World } from "../../support/world.js";

/** Fixed, so that a failure reproduces; override with FC_SEED to explore. */
const SEED = Number(process.env.FC_SEED ?? 20_261_207);
const RUNS = Number(process.env.FC_RUNS ?? 25);

interface Hostile {
  readonly label: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Buffer;
}

const MALFORMED_JSON = [
  "{",
  '{"a":}',
  "{'single': 1}",
  '{"a":1}garbage',
  "",
  "[",
  "\u0000",
  '\ufeff{"a":1}',
  '{"__proto__": {"admin": true}}',
  '{"a": NaN}',
  "1".repeat(400),
  `${"[".repeat(20_000)}${"]".repeat(20_000)}`,
  `{"x":"${"\\ud800".repeat(50)}"}`,
];

const WRONG_CONTENT_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=zzz",
  "application/xml",
  "application/json; charset=utf-16",
  "application/vnd.api+json",
  "image/png",
  "*/*",
];

/** Keys the body might hide mass assignment or prototype tricks behind. */
const EXTRA_KEYS = [
  "role",
  "id",
  "user_id",
  "doctor_id",
  "__proto__",
  "constructor",
  "password_hashh",
  "status",
  "x",
];

/** Stands for a raw JSON token in a value; replaced, quotes included, after JSON.stringify. */
const RAW_MARK = "@@raw-json-token@@";
const withRawToken = (value: unknown, token: string) =>
  (JSON.stringify(value) ?? "null").replace(`"${RAW_MARK}"`, token);

/** The `errors[].path` of a problem answer. */
const errorPaths = (body: string): string[] => {
  try {
    return ((JSON.parse(body) as { errors?: { path: string }[] }).errors ?? []).map((e) => e.path);
  } catch {
    return [];
  }
};

const encodeSegment = (v: string) => (/%[0-9A-Fa-f]{2}/.test(v) ? v : encodeAny(v));

/** Values a path parameter could hold for real, per parameter name. */
/**
 * Routes that may end a session of the token they are sent with (or change the password it signs in
 * with): fuzzed last, so that the world's tokens work for every other route.
 */
const SESSION_ENDING = new Set([
  "DELETE /users/info",
  "PUT /users/password",
  "DELETE /auth/sessions/{id}",
  "DELETE /auth/sessions",
  "PUT /auth/logout",
]);

const validPathValues = (world: World): Record<string, string[]> => ({
  id: [world.doctorId, world.patientId, world.appointmentId, world.slotId].map(String),
  name: ["Matrix", "cardiologist", "mbbs"],
  day: ["monday", "SUNDAY"],
  specialization_id: ["36"],
  key: ["missing.png"],
});

type Body = { contentType?: string; body?: string | Buffer; label: string };

function bodyArbitrary(doc: OpenApiDocument, op: OperationRef, fixture: unknown): fc.Arbitrary<Body> {
  const content = op.operation.requestBody?.content ?? {};
  const json = (label: string, v: unknown, contentType = "application/json"): Body => ({
    label,
    contentType,
    body: JSON.stringify(v) ?? "null",
  });
  if (content["multipart/form-data"]) {
    const part = (data: Buffer, type: string, field = "image") =>
      multipartBody({ field, filename: "x.png", type, data });
    return fc.oneof(
      fc.constantFrom(
        { label: "text as image", ...part(Buffer.from("not a picture"), "image/png") },
        { label: "wrong field", ...part(Buffer.from([0x89, 0x50, 0x4e, 0x47]), "image/png", "picture") },
        {
          label: "truncated png",
          ...part(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), "image/png"),
        },
        { label: "svg with script", ...part(Buffer.from("<svg onload='alert(1)'/>"), "image/svg+xml") },
        { label: "empty part", ...part(Buffer.alloc(0), "image/jpeg") },
        { label: "6 MiB", ...part(Buffer.alloc(6 * 1024 * 1024, 1), "image/png") },
        { label: "multipart without boundary", contentType: "multipart/form-data", body: "--x\r\n" },
        { label: "json instead", contentType: "application/json", body: '{"image":"x"}' },
        { label: "no body" },
      ),
      fc
        .uint8Array({ maxLength: 200 })
        .map((bytes) => ({ label: "random bytes", ...part(Buffer.from(bytes), "image/webp") })),
    );
  }
  const schema = content["application/json"]?.schema;
  const valid: fc.Arbitrary<unknown> = fc.oneof(
    ...(fixture !== undefined ? [fc.constant(fixture)] : []),
    schema ? schemaValue(doc, schema) : fc.constant({}),
  );
  const keysOf = (v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? Object.keys(v) : []);
  return fc.oneof(
    valid.map((v) => json("valid", v)),
    fc.tuple(valid, fc.nat()).map(([v, n]) => {
      const keys = keysOf(v);
      const drop = keys[n % Math.max(1, keys.length)];
      return json(
        `missing ${drop}`,
        Object.fromEntries(Object.entries(v as object).filter(([k]) => k !== drop)),
      );
    }),
    fc
      .tuple(valid, fc.constantFrom(...EXTRA_KEYS), hostileValue)
      .map(([v, k, h]) => json(`extra ${k}`, { ...(v as object), [k]: h })),
    fc.tuple(valid, fc.nat(), hostileValue).map(([v, n, h]) => {
      const keys = keysOf(v);
      const key = keys[n % Math.max(1, keys.length)] ?? "x";
      const current = (v as Record<string, unknown>)?.[key];
      // Inside an array of objects the first element's field is replaced, so nested schemas are hit too.
      const replaced =
        Array.isArray(current) && current.length > 0
          ? [
              typeof current[0] === "object" && current[0] !== null
                ? { ...current[0], [keysOf(current[0])[0] ?? "x"]: h }
                : h,
            ]
          : h;
      return json(`wrong ${key}`, { ...(v as object), [key]: replaced });
    }),
    // A number token JSON.stringify cannot write (1E+400, 2^64 as sent), in place of one field.
    fc.tuple(valid, fc.nat(), fc.constantFrom(...RAW_JSON_NUMBERS)).map(([v, n, token]) => {
      const keys = keysOf(v);
      const key = keys[n % Math.max(1, keys.length)] ?? "x";
      return {
        label: `raw number ${token} in ${key}`,
        contentType: "application/json",
        body: withRawToken({ ...(v as object), [key]: RAW_MARK }, token),
      };
    }),
    hostileValue.map((h) => json("hostile body", h)),
    valid.map((v) => {
      const key = keysOf(v)[0] ?? "x";
      return json(`1 MB ${key}`, { ...(v as object), [key]: HUGE_STRING });
    }),
    fc
      .constantFrom(...MALFORMED_JSON)
      .map((raw) => ({ label: `malformed ${raw.slice(0, 20)}`, contentType: "application/json", body: raw })),
    fc.tuple(valid, fc.constantFrom(...WRONG_CONTENT_TYPES)).map(([v, type]) => ({
      label: `content-type ${type}`,
      contentType: type,
      body: JSON.stringify(v) ?? "",
    })),
    fc.constant({
      label: "invalid utf-8",
      contentType: "application/json",
      body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    }),
    fc.constant({ label: "no body", contentType: "application/json" }),
    fc.constant({ label: "no body, no type" }),
  );
}

function requestArbitrary(
  doc: OpenApiDocument,
  op: OperationRef,
  world: World,
  fixture: { path: string; json?: unknown },
): fc.Arbitrary<Hostile> {
  const params = op.operation.parameters ?? [];
  const valid = validPathValues(world);
  const pathArb = params
    .filter((p) => p.in === "path")
    .reduce<fc.Arbitrary<string>>(
      (acc, p) =>
        fc
          .tuple(
            acc,
            fc.oneof(
              { weight: 1, arbitrary: fc.constantFrom(...(valid[p.name] ?? ["1"])) },
              { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_PATH_VALUES) },
              {
                weight: 1,
                arbitrary: fc.string({ minLength: 1, maxLength: 20, unit: "grapheme" }).map(encodeAny),
              },
            ),
          )
          .map(([path, value]) => path.replace(`{${p.name}}`, encodeSegment(value))),
      fc.constant(op.path),
    );
  const queryArb = fc
    .tuple(
      ...params
        .filter((p) => p.in === "query")
        .map((p) =>
          fc.oneof(
            fc.constant<string | null>(null),
            schemaValue(doc, p.schema).map((v) => `${p.name}=${encodeAny(String(v))}`),
            // Bounded: a URL past 16 KB is refused by Node itself (431) before the app sees it.
            fc
              .constantFrom(...HOSTILE_STRINGS.filter((v) => v.length <= 2_000))
              .map((v) => `${p.name}=${encodeAny(v)}`),
            fc.constant(`${p.name}=1&${p.name}=2`),
            fc.constant(`${p.name}`),
          ),
        ),
      fc.constantFrom<string | null>(null, "unknown=1", "per_page=100000", "page=-1", "%zz=1", "a[b]=c"),
    )
    .map((parts) => parts.filter((q): q is string => q !== null).join("&"));
  const headerArb = fc.record(
    Object.fromEntries(
      params
        .filter((p) => p.in === "header")
        .map((p) => [
          p.name,
          fc.oneof(
            fc.constant(undefined),
            schemaValue(doc, p.schema).map(String),
            fc.constantFrom("", " ", "x".repeat(300), "'; DROP TABLE appointments;--", "%00", "a b"),
          ),
        ]),
    ),
  );
  const identityArb = fc.constantFrom<string | null>(
    null,
    world.tokens.user,
    world.tokens.doctor,
    world.tokens.admin,
    "not-a-token",
    "' OR 1=1 --",
  );
  const bodyArb = op.operation.requestBody
    ? bodyArbitrary(doc, op, fixture.json)
    : fc.constantFrom<Body>(
        { label: "none" },
        { label: "unexpected body", contentType: "application/json", body: '{"x":' },
      );
  return fc
    .tuple(pathArb, queryArb, headerArb, identityArb, bodyArb)
    .map(([path, query, headers, token, body]) => {
      const all: Record<string, string> = {};
      for (const [k, v] of Object.entries(headers)) if (typeof v === "string") all[k] = v;
      if (token) all.authorization = `Bearer ${token}`;
      if (body.contentType) all["content-type"] = body.contentType;
      return {
        label: body.label,
        method: op.method,
        path: query ? `${path}?${query}` : path,
        headers: all,
        body: body.body,
      };
    });
}

/** One field of a request: a path or query parameter, or a place in the JSON body. */
type Field =
  | { readonly in: "path"; readonly name: string }
  | { readonly in: "query"; readonly name: string }
  | { readonly in: "body"; readonly path: readonly (string | number)[]; readonly type: unknown };

/** Every place in a JSON body schema a client can put a value: properties, array items, nested objects. */
function bodyFields(
  doc: OpenApiDocument,
  schema: JsonSchema | undefined,
  prefix: readonly (string | number)[] = [],
  depth = 0,
): Field[] {
  const s = deref(doc, schema);
  const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).flatMap(([name, raw]) => {
    const p = deref(doc, raw);
    const path = [...prefix, name];
    if (p.type === "array" && depth < 3) {
      const items = deref(doc, p.items as JsonSchema | undefined);
      return items.properties
        ? bodyFields(doc, items, [...path, 0], depth + 1)
        : [{ in: "body" as const, path: [...path, 0], type: items.type }];
    }
    if (p.properties && depth < 3) return bodyFields(doc, p, path, depth + 1);
    return [{ in: "body" as const, path, type: p.type }];
  });
}

function fieldsOf(doc: OpenApiDocument, op: OperationRef): Field[] {
  const params = (op.operation.parameters ?? [])
    .filter((p) => p.in === "path" || p.in === "query")
    .map((p): Field => (p.in === "path" ? { in: "path", name: p.name } : { in: "query", name: p.name }));
  return [...params, ...bodyFields(doc, op.operation.requestBody?.content["application/json"]?.schema)];
}

/** `value` put at `path` in a copy of `base`, making the objects and arrays on the way. */
function setAt(base: unknown, path: readonly (string | number)[], value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (typeof head === "number") {
    const list = Array.isArray(base) ? [...base] : [];
    list[head] = setAt(list[head], rest, value);
    return list;
  }
  const object = base && typeof base === "object" && !Array.isArray(base) ? { ...base } : {};
  (object as Record<string, unknown>)[head] = setAt((object as Record<string, unknown>)[head], rest, value);
  return object;
}

interface Probe {
  readonly label: string;
  readonly path: string;
  readonly body?: string;
  /** A text field of the body: a control character must be refused naming this path. */
  readonly refusedAt?: string;
}

/** The fixture request with one field replaced by each control string and odd number, one at a time. */
function probesFor(
  doc: OpenApiDocument,
  op: OperationRef,
  fixture: { path: string; json?: unknown },
): Probe[] {
  const [fixturePath = op.path, fixtureQuery = ""] = fixture.path.split("?");
  const template = op.path.split("/");
  const actual = fixturePath.split("/");
  const pathValues = new Map<string, string>();
  template.forEach((segment, i) => {
    const name = /^\{(.+)\}$/.exec(segment)?.[1];
    if (name) pathValues.set(name, actual[i] ?? "1");
  });
  const url = (pathValue: (name: string) => string, query: URLSearchParams, raw?: [string, string]) => {
    const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => pathValue(name));
    const parts = [...query].map(([k, v]) => `${encodeURIComponent(k)}=${encodeAny(v)}`);
    if (raw) parts.push(`${raw[0]}=${raw[1]}`);
    return parts.length > 0 ? `${path}?${parts.join("&")}` : path;
  };
  const validPath = (name: string) => pathValues.get(name) ?? "1";
  const json = op.operation.requestBody?.content["application/json"] ? (fixture.json ?? {}) : undefined;
  const validBody = json === undefined ? undefined : JSON.stringify(json);
  const probes: Probe[] = [];
  for (const field of fieldsOf(doc, op)) {
    if (field.in === "path") {
      for (const v of CONTROL_PATH_VALUES)
        probes.push({
          label: `path ${field.name}=${v}`,
          path: url((n) => (n === field.name ? v : validPath(n)), new URLSearchParams(fixtureQuery)),
          body: validBody,
        });
    } else if (field.in === "query") {
      const query = new URLSearchParams(fixtureQuery);
      query.delete(field.name);
      for (const v of CONTROL_PATH_VALUES)
        probes.push({
          label: `query ${field.name}=${v}`,
          path: url(validPath, query, [field.name, v]),
          body: validBody,
        });
    } else {
      const where = field.path.join(".");
      const path = url(validPath, new URLSearchParams(fixtureQuery));
      for (const v of [...CONTROL_STRINGS, ...NUMBER_STRINGS.slice(0, 3)])
        probes.push({
          label: `body ${where}=${JSON.stringify(v)}`,
          path,
          body: JSON.stringify(setAt(json, field.path, v)),
          ...(field.type === "string" && CONTROL_STRINGS.includes(v) ? { refusedAt: where } : {}),
        });
      for (const token of RAW_JSON_NUMBERS)
        probes.push({
          label: `body ${where}=${token} (raw)`,
          path,
          body: withRawToken(setAt(json, field.path, RAW_MARK), token),
        });
    }
  }
  return probes;
}

describe("hostile input: property-based requests for every operation of /openapi.json", () => {
  let server: TestServer;
  let doc: OpenApiDocument;
  let world: World;
  let ctx: RequestContext;

  beforeAll(async () => {
    // The webhook fixtures subscribe a loopback URL that is never called (no workers run here).
    server = await startTestServer({ WEBHOOK_ALLOW_PRIVATE: "true" });
    doc = (await (await server.request("/openapi.json")).json()) as OpenApiDocument;
    world = await buildWorld(server);
    await server.runtime.container.get<DoctorSearchIndex>(DOCTOR_SEARCH_INDEX).ensureIndex();
    // Every fixture is made once, before any probe: the probes' own successes (patients, bookings,
    // waiting entries) take the world's accounts to their caps, after which they answer 409 as documented.
    ctx = requestContext(server, world, (role) => freshToken(server, world, role));
    for (const op of productOperations(doc)) {
      if (op.key !== "PUT /auth/logout") await REQUESTS[op.key]?.(ctx, "user");
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers a search page past the engine's result window with an empty page, not a 503", async () => {
    const res = await server.request("/misc/doctors/search?page=1000000&per_page=100");
    if (!productOperations(doc).some((o) => o.key === "GET /misc/doctors/search")) return;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ data: [], page: 1_000_000, per_page: 100 });
  });

  it("answers every field of every operation holding a control character, a lone surrogate or an odd number without 5xx; body text fields with 400 naming the field", async () => {
    const validator = new ResponseValidator(doc);
    const failures: string[] = [];
    let sent = 0;
    const ops = productOperations(doc).filter((op) => op.key !== "PUT /auth/logout");
    for (const op of ops) {
      // Sign-in probes use an address of their own: failures must not lock the world's accounts out.
      const fixture =
        op.key === "POST /auth/get_token"
          ? { path: op.path, json: { email: `sweep-${Date.now()}@example.test`, password: "long enough pw" } }
          : ((await REQUESTS[op.key]?.(ctx, "user")) ?? { path: op.path });
      const probes = probesFor(doc, op, fixture);
      if (probes.length === 0) continue;
      const send = (probe: Probe, token: string | null) =>
        rawRequest(server.baseUrl, {
          method: op.method,
          path: probe.path,
          headers: {
            ...("headers" in fixture ? fixture.headers : {}),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(probe.body !== undefined ? { "content-type": "application/json" } : {}),
          },
          body: probe.body,
          localAddress: randomLoopback(),
        });
      // The first caller the route lets through, so that the fields are what is checked.
      let token: string | null = null;
      if (op.operation.security?.some((s) => "bearerAuth" in s)) {
        for (const role of ["user", "doctor", "admin"] as SignedInRole[]) {
          token = world.tokens[role];
          const first = probes[0] as Probe;
          const answer = await send(first, token);
          if (answer.status !== 401 && answer.status !== 403) break;
        }
      }
      for (let i = 0; i < probes.length; i += 4) {
        await Promise.all(
          probes.slice(i, i + 4).map(async (probe) => {
            const answer = await send(probe, token);
            sent++;
            const problems = [
              ...(answer.status >= 500 ? [`status ${answer.status}`] : []),
              ...(leakIn(answer.body) ? [`body contains "${leakIn(answer.body)}"`] : []),
              ...problemShapeErrors(answer),
              ...validator.check(op, answer),
            ];
            if (probe.refusedAt !== undefined) {
              const paths = answer.status === 400 ? errorPaths(answer.body) : [];
              if (!paths.includes(probe.refusedAt))
                problems.push(`expected 400 naming ${probe.refusedAt}, got ${answer.status} ${paths}`);
            }
            if (problems.length > 0)
              failures.push(
                `${op.key} ${probe.label}: ${problems.join("; ")} — ${answer.body.slice(0, 200)}`,
              );
          }),
        );
      }
    }
    console.info(`hostile input: ${sent} single-field probes`);
    expect(failures).toEqual([]);
  }, 300_000);

  it("refuses HTTP Basic sign-in credentials holding a control character with 400, not 500", async () => {
    for (const [email, password] of [
      ["a\u0000@example.com", "whatever password"],
      [world.credentials.user.email, "pass\u0000word"],
      ["\u001b[2J@example.com", "whatever password"],
    ]) {
      const answer = await rawRequest(server.baseUrl, {
        method: "POST",
        path: "/auth/get_token",
        headers: { authorization: `Basic ${Buffer.from(`${email}:${password}`).toString("base64")}` },
        localAddress: randomLoopback(),
      });
      expect(answer.status, answer.body).toBe(400);
      expect(errorPaths(answer.body).length).toBeGreaterThan(0);
    }
  });

  it("searches with numbers in any notation: 400 or a correct page, never 503", async () => {
    for (const query of [
      "min_rating=0.0000001",
      "min_rating=1e-7",
      "min_rating=1E%2B400",
      "min_rating=5e-324",
      "max_fee=1e30",
      "max_fee=1e-7",
      "max_fee=18446744073709551616",
      "q=%00&min_rating=1e-7",
    ]) {
      const res = await server.request(`/misc/doctors/search?${query}`);
      expect([200, 400], `${query}: ${res.status}`).toContain(res.status);
    }
    const tiny = await server.request("/misc/doctors/search?min_rating=0.0000001&per_page=100");
    const zero = await server.request("/misc/doctors/search?min_rating=0&per_page=100");
    expect(tiny.status).toBe(200);
    // Every rated doctor has a rating of at least 1: the same doctors as with min_rating=0.
    expect(((await tiny.json()) as { total: number }).total).toBe(
      ((await zero.json()) as { total: number }).total,
    );
  });

  it(`never answers 5xx, an undocumented answer, SQL, a stack trace or a hash (seed ${SEED}, ${RUNS} runs per operation)`, async () => {
    console.info(`hostile input: fast-check seed ${SEED} (FC_SEED=${SEED} FC_RUNS=${RUNS} to reproduce)`);
    const validator = new ResponseValidator(doc);
    const failures: string[] = [];
    // Fixtures first, and the routes that end sessions last: fuzzing them revokes the world's tokens.
    const ops = productOperations(doc).sort(
      (a, b) => Number(SESSION_ENDING.has(a.key)) - Number(SESSION_ENDING.has(b.key)),
    );
    const fixtures = new Map<string, { path: string; json?: unknown }>();
    for (const op of ops) fixtures.set(op.key, (await REQUESTS[op.key]?.(ctx, "user")) ?? { path: op.path });
    for (const op of ops) {
      const fixture = fixtures.get(op.key) ?? { path: op.path };
      const verdict = await fc.check(
        fc.asyncProperty(requestArbitrary(doc, op, world, fixture), async (req) => {
          // Each request from its own loopback address: failed sign-ins must not lock out other tests.
          const answer = await rawRequest(server.baseUrl, { ...req, localAddress: randomLoopback() });
          const problems = [
            ...(answer.status >= 500 ? [`status ${answer.status}`] : []),
            ...(leakIn(answer.body) ? [`body contains "${leakIn(answer.body)}"`] : []),
            ...problemShapeErrors(answer),
            ...validator.check(op, answer),
          ];
          if (problems.length > 0) {
            throw new Error(`${req.label}: ${problems.join("; ")} — ${answer.body.slice(0, 300)}`);
          }
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      if (verdict.failed) {
        const req = verdict.counterexample?.[0] as Hostile | undefined;
        failures.push(
          `${op.key}: ${verdict.errorInstance instanceof Error ? verdict.errorInstance.message : String(verdict.errorInstance)}\n` +
            `  request: ${req?.method} ${req?.path.slice(0, 200)} ${JSON.stringify(req?.headers)} body=${String(req?.body ?? "").slice(0, 200)}\n` +
            `  replay: FC_SEED=${SEED} path ${verdict.counterexamplePath}`,
        );
      }
    }
    expect(failures).toEqual([]);
  }, 180_000);
});
