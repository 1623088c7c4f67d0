/**
 * Completes the generated OpenAPI document with what the app's shared middleware does on every route,
 * so that route definitions need not repeat it and a new route is documented correctly from the start:
 * - an operation without `security` is public, and says so (`security: []`);
 * - a body can be malformed (400), too large (413) or of a media type the route does not take (415);
 * - a bearer route answers 401 to a missing, unknown, expired or revoked token;
 * - Postgres being unreachable answers 503 (never a 500), on every route that reads or writes data;
 * - every operation has an `operationId` (derived from method and path unless the route names one).
 */
import { problemBody } from "./problem.js";
import { PROBLEM_TYPES } from "./problem-types.js";

type Json = Record<string, unknown>;

/** The code an example of each error status shows (the answers' codes are listed at /problems/{code}). */
const EXAMPLE_CODES: Record<string, string> = {
  400: "validation_failed",
  401: "unauthenticated",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "sitting_full",
  413: "body_too_large",
  415: "unsupported_media_type",
  429: "too_many_requests",
  500: "internal",
  503: "unavailable",
};

/** A problem+json answer as the app sends it for `status`, for the document's examples. */
function problemExample(status: number): Json | undefined {
  const code = EXAMPLE_CODES[status];
  const known = code ? PROBLEM_TYPES[code] : undefined;
  if (!code || !known) return undefined;
  const errors = status === 400 ? [{ path: "body.email", message: "Invalid email address" }] : undefined;
  return problemBody(status, code, known.meaning, errors) as unknown as Json;
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

/** `POST /patient/appointment/{id}/cancel` → `postPatientAppointmentByIdCancel`. */
function operationIdOf(method: string, path: string): string {
  const words = path
    .split("/")
    .filter((s) => s !== "")
    .flatMap((s) =>
      s.startsWith("{") ? ["by", ...s.slice(1, -1).split(/[^A-Za-z0-9]+/)] : s.split(/[^A-Za-z0-9]+/),
    )
    .filter((w) => w !== "");
  return [method, ...words].map((w, i) => (i === 0 ? w : w[0]?.toUpperCase() + w.slice(1))).join("");
}

/** The headers the shared answers carry, documented wherever the answer is. */
const ANSWER_HEADERS: Record<string, Json> = {
  201: {
    Location: { description: "The path of what was created", schema: { type: "string" } },
  },
  401: {
    "WWW-Authenticate": {
      description: 'The scheme to authenticate with: `Bearer realm="doctorly"`',
      schema: { type: "string" },
    },
  },
  429: {
    "Retry-After": {
      description: "Seconds until the limit lets this caller try again",
      schema: { type: "integer" },
    },
  },
  503: {
    "Retry-After": {
      description: "Seconds after which a retry may succeed (when the outage is expected to be short)",
      schema: { type: "integer" },
    },
  },
};

export function withCommonAnswers<T extends object>(
  document: T,
  options: { infraPaths: readonly string[] },
): T {
  const paths = ((document as Json).paths ?? {}) as Record<string, Json>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      op.operationId ??= operationIdOf(method, path);
      op.security ??= [];
      op.responses ??= {};
      const responses = op.responses as Json;
      const add = (status: number, description: string) => {
        responses[status] ??= problem(description);
      };
      if (op.requestBody) {
        add(400, "The body is not valid JSON or does not match the schema");
        add(413, "The body is larger than the server accepts");
        add(415, "The body's media type is not one this operation takes");
      }
      if (Array.isArray(op.parameters) && op.parameters.length > 0) add(400, "A parameter is not valid");
      const security = op.security as Record<string, unknown>[];
      if (security.some((s) => "bearerAuth" in s)) add(401, "No valid bearer token");
      if (!options.infraPaths.includes(path)) add(503, "A dependency is unavailable; retry later");
      for (const [status, response] of Object.entries(responses)) {
        const media = ((response as Json).content as Json | undefined)?.["application/problem+json"] as
          | Json
          | undefined;
        const example = problemExample(Number(status));
        const isProblem = (media?.schema as Json | undefined)?.$ref === "#/components/schemas/Problem";
        if (media && isProblem && !media.example && !media.examples && example) media.example = example;
      }
      for (const [status, headers] of Object.entries(ANSWER_HEADERS)) {
        const response = responses[status] as Json | undefined;
        if (response) response.headers = { ...headers, ...((response.headers as Json | undefined) ?? {}) };
      }
    }
  }
  return document;
}
