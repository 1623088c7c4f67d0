import { z } from "@hono/zod-openapi";
import type { Context, TypedResponse } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppError, AppErrorKind, FieldError } from "../../domain/shared/result.js";

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "/problems/sitting_full" }),
    title: z.string().openapi({ example: "Conflict" }),
    status: z.number().int().openapi({ example: 409 }),
    detail: z.string().openapi({ example: "This sitting has no free seat left." }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: "Field errors, for 400 answers." }),
  })
  .openapi("Problem");

export type Problem = z.infer<typeof ProblemSchema>;

const STATUS_BY_KIND: Record<AppErrorKind, ContentfulStatusCode> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media: 415,
  rate_limited: 429,
  unavailable: 503,
};

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

const statusOfKind = (kind: AppErrorKind): ContentfulStatusCode => STATUS_BY_KIND[kind];

export function problemBody(
  status: number,
  code: string,
  detail: string,
  errors?: readonly FieldError[],
): Problem {
  return {
    type: `/problems/${code}`,
    title: TITLES[status] ?? "Error",
    status,
    detail,
    ...(errors && errors.length > 0 ? { errors: [...errors] } : {}),
  };
}

/**
 * A problem+json answer. Its status is the error's, known only at run time, so it is typed `never`: the
 * answer fits every route that documents problem answers (`problemResponses`, `problemAnswer`), and a
 * route that documents none cannot return it. That a route documents each status it answers is checked
 * by the e2e suites (hostile input, authorization) and the OpenAPI-validating proxy.
 */
export type ProblemAnswer = Response & TypedResponse<Problem, never, "json">;

/** The one place where an AppError becomes an HTTP answer. */
export function problem(
  c: Context,
  status: ContentfulStatusCode,
  body: Problem,
  headers: Record<string, string> = {},
): ProblemAnswer {
  return c.body(JSON.stringify(body), status, {
    ...headers,
    "content-type": "application/problem+json",
  }) as unknown as ProblemAnswer;
}

export function appErrorResponse(c: Context, error: AppError): ProblemAnswer {
  const status = statusOfKind(error.kind);
  const headers: Record<string, string> = {};
  if (error.retryAfter !== undefined) headers["retry-after"] = String(error.retryAfter);
  if (error.kind === "unauthenticated") headers["www-authenticate"] = 'Bearer realm="doctorly"';
  return problem(c, status, problemBody(status, error.code, error.detail, error.errors), headers);
}

/** An example of a problem answer: its code, detail and (when codes repeat) a name of its own. */
export interface ProblemExample {
  readonly code: string;
  readonly detail: string;
  readonly name?: string;
}

/** How a problem answer is documented: problem+json with the Problem schema (and maybe examples). */
interface ProblemContent {
  readonly description: string;
  readonly content: {
    "application/problem+json": {
      schema: typeof ProblemSchema;
      examples?: Record<string, { value: Problem }>;
    };
  };
}

/** One error answer, documented with what it means on this route and examples of its problem codes. */
export function problemAnswer<const S extends number>(
  status: S,
  description: string,
  examples: readonly ProblemExample[] = [],
): { [K in S]: ProblemContent } {
  const named = examples.map((e) => [e.name ?? e.code, { value: problemBody(status, e.code, e.detail) }]);
  const answer: ProblemContent = {
    description,
    content: {
      "application/problem+json": {
        schema: ProblemSchema,
        ...(named.length > 0 ? { examples: Object.fromEntries(named) } : {}),
      },
    },
  };
  return { [status]: answer } as { [K in S]: ProblemContent };
}

/**
 * Standard error answers to document on a route, keyed by status: typed with each status, so that a
 * handler may return a ProblemAnswer only on a route that documents some.
 */
export function problemResponses<const S extends readonly number[]>(
  ...statuses: S
): { [K in S[number]]: ProblemContent } {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      {
        description: TITLES[s] ?? "Error",
        content: { "application/problem+json": { schema: ProblemSchema } },
      },
    ]),
  ) as { [K in S[number]]: ProblemContent };
}
