import type { Context, TypedResponse } from "hono";
import type { JSONParsed } from "hono/utils/types";
import type { Result } from "../../domain/shared/result.js";
import { digestOf, jsonAnswer, sharedJsonAnswer, varyOnCoding } from "./compressed.js";
import { answerWith, incomingHeader } from "./incoming.js";
import { appErrorResponse, type ProblemAnswer } from "./problem.js";

/**
 * A JSON answer with `status` whose body is `T` as JSON: a route's handler may return it only when the
 * route documents that status with a schema `T` fits, so the compiler checks every answer.
 */
export type JsonAnswer<T, S extends 200 | 201 = 200> = Response &
  TypedResponse<Writable<JSONParsed<T>>, S, "json">;

/** JSON has no read-only: a view's `readonly` fields and arrays are plain ones on the wire. */
type Writable<T> = T extends readonly (infer E)[]
  ? Writable<E>[]
  : T extends object
    ? { -readonly [K in keyof T]: Writable<T[K]> }
    : T;

/**
 * JSON text serialized before it reached the HTTP layer (a cached document, a page of the search
 * index): the compiler cannot see its shape, so its data is typed `never`, which fits the route's own;
 * the e2e suites and the OpenAPI-validating proxy check these bodies.
 */
export type SerializedAnswer = Response & TypedResponse<never, 200, "json">;

/** An answer without a body (204, 304), as a route documents one: a status and no content. */
// biome-ignore lint/complexity/noBannedTypes: zod-openapi types a documented answer without content as data `{}`.
export type EmptyAnswer<S extends 204 | 304> = Response & TypedResponse<{}, S, string>;

/** `value` as JSON with `status` (compressed when asked, see `jsonAnswer`). */
function jsonOf<T, S extends 200 | 201>(
  c: Context,
  status: S,
  value: T,
  headers?: Record<string, string>,
): JsonAnswer<T, S> {
  // The body is JSON.stringify(value), which is what JSONParsed<T> describes.
  return jsonAnswer(c, status, JSON.stringify(value), headers) as JsonAnswer<T, S>;
}

/**
 * No body with `status`. Hono types `c.body(null)` as data `null`, where a documented answer without
 * content is data `{}`; the cast says only that.
 */
const emptyAnswer = <S extends 204 | 304>(
  c: Context,
  status: S,
  headers?: Record<string, string>,
): EmptyAnswer<S> => answerWith(c, null, status, headers) as unknown as EmptyAnswer<S>;

/** Answers a handler's Result: the value as JSON with `status`, or the error as problem+json. */
export function respond<T, S extends 200 | 201>(
  c: Context,
  result: Result<T>,
  status: S,
  /** For a 201: the path of what was created, sent as `Location`. */
  location?: (value: T) => string,
): JsonAnswer<NoInfer<T>, S> | ProblemAnswer {
  if (!result.ok) return appErrorResponse(c, result.error);
  return jsonOf(c, status, result.value, location ? { location: location(result.value) } : undefined);
}

/** Answers a Result without a value: 204 No Content, or the error. */
export const respondNoContent = (c: Context, result: Result<unknown>): EmptyAnswer<204> | ProblemAnswer =>
  result.ok ? emptyAnswer(c, 204) : appErrorResponse(c, result.error);

/**
 * Answers a command that changed a doctor with that doctor's profile as it now reads (with `verified`:
 * the doctor's own view, or an admin's), or the error.
 */
export async function respondWithDoctor<P, S extends 200 | 201>(
  c: Context,
  doctors: { profile(id: number): Promise<Result<P>> },
  result: Result<{ doctorId: number }>,
  status: S,
): Promise<JsonAnswer<NoInfer<P>, S> | ProblemAnswer> {
  if (!result.ok) return appErrorResponse(c, result.error);
  const { doctorId } = result.value;
  return respond(
    c,
    await doctors.profile(doctorId),
    status,
    status === 201 ? () => `/doctors/get/${doctorId}` : undefined,
  );
}

/**
 * Answers JSON text that is already serialized and the same for everyone who asks (a search answer from
 * the index), or the error.
 */
export function respondJsonText(c: Context, result: Result<string>): SerializedAnswer | ProblemAnswer {
  if (!result.ok) return appErrorResponse(c, result.error);
  return sharedJsonAnswer(c, result.value) as SerializedAnswer;
}

/**
 * Public reads may be stored by any cache but must be revalidated on every use: the read side answers a
 * write at once (read-your-writes), so no freshness lifetime would be honest. The ETag is the SHA-1 of the
 * exact bytes, so it changes exactly when the answer does; `If-None-Match` with it answers 304, no body.
 */
const PUBLIC_READ_CACHE_CONTROL = "public, no-cache";

function publicAnswer(c: Context, text: string): SerializedAnswer | EmptyAnswer<304> {
  const digest = digestOf(text);
  const etag = `"${digest}"`;
  const headers = { etag, "cache-control": PUBLIC_READ_CACHE_CONTROL };
  const wanted = incomingHeader(c, "if-none-match");
  if (wanted?.split(",").some((tag) => tag.trim() === "*" || tag.trim().replace(/^W\//, "") === etag)) {
    varyOnCoding(c);
    return emptyAnswer(c, 304, headers);
  }
  return sharedJsonAnswer(c, text, headers, digest) as SerializedAnswer;
}

/** A public read's value (a view object) with ETag and Cache-Control, 304 when the client has it. */
export function respondPublicRead<T>(
  c: Context,
  result: Result<T>,
): JsonAnswer<NoInfer<T>> | EmptyAnswer<304> | ProblemAnswer {
  if (!result.ok) return appErrorResponse(c, result.error);
  // The text is JSON.stringify(value), which is what JSONParsed<T> describes.
  return publicAnswer(c, JSON.stringify(result.value)) as JsonAnswer<T> | EmptyAnswer<304>;
}

/** The same, for JSON text that is already serialized (a cached document). */
export function respondPublicReadText(
  c: Context,
  result: Result<string>,
): SerializedAnswer | EmptyAnswer<304> | ProblemAnswer {
  return result.ok ? publicAnswer(c, result.value) : appErrorResponse(c, result.error);
}
