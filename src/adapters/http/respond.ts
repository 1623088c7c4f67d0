import type { Context } from "hono";
import type { Result } from "../../domain/shared/result.js";
import { digestOf, jsonAnswer, sharedJsonAnswer } from "./compressed.js";
import { incomingHeader } from "./incoming.js";
import { appErrorResponse } from "./problem.js";

/**
 * Answers a handler's Result: the value as JSON with `status`, or the error as problem+json.
 * Typed as `never` because a route's typed responses cannot express "this status or any problem";
 * the OpenAPI document lists both, and the e2e tests check the bodies.
 */
export function respond<T>(
  c: Context,
  result: Result<T>,
  status: 200 | 201,
  /** For a 201: the path of what was created, sent as `Location`. */
  location?: (value: T) => string,
): never {
  if (!result.ok) return appErrorResponse(c, result.error) as never;
  const headers = location ? { location: location(result.value) } : undefined;
  return jsonAnswer(c, status, JSON.stringify(result.value), headers) as never;
}

/**
 * Answers a command that changed a doctor with that doctor's profile as it now reads (with `verified`:
 * the doctor's own view, or an admin's), or the error.
 */
export async function respondWithDoctor(
  c: Context,
  doctors: { profile(id: number): Promise<Result<unknown>> },
  result: Result<{ doctorId: number }>,
  status: 200 | 201,
): Promise<never> {
  const created = status === 201 && result.ok ? `/doctors/get/${result.value.doctorId}` : undefined;
  return respond(
    c,
    result.ok ? await doctors.profile(result.value.doctorId) : result,
    status,
    created ? () => created : undefined,
  );
}

/**
 * Answers JSON text that is already serialized and the same for everyone who asks (a search answer from
 * the index), or the error.
 */
export function respondJsonText(c: Context, result: Result<string>): never {
  return (result.ok ? sharedJsonAnswer(c, result.value) : appErrorResponse(c, result.error)) as never;
}

/**
 * Public reads may be stored by any cache but must be revalidated on every use: the read side answers a
 * write at once (read-your-writes), so no freshness lifetime would be honest. The ETag is the SHA-1 of the
 * exact bytes, so it changes exactly when the answer does; `If-None-Match` with it answers 304, no body.
 */
export const PUBLIC_READ_CACHE_CONTROL = "public, no-cache";

function publicAnswer(c: Context, text: string): Response {
  const digest = digestOf(text);
  const etag = `"${digest}"`;
  const headers = { etag, "cache-control": PUBLIC_READ_CACHE_CONTROL };
  const wanted = incomingHeader(c, "if-none-match");
  if (wanted?.split(",").some((tag) => tag.trim() === "*" || tag.trim().replace(/^W\//, "") === etag)) {
    return c.body(null, 304, headers);
  }
  return sharedJsonAnswer(c, text, headers, digest);
}

/** A public read's value (a view object) with ETag and Cache-Control, 304 when the client has it. */
export function respondPublicRead(c: Context, result: Result<unknown>): never {
  return (
    result.ok ? publicAnswer(c, JSON.stringify(result.value)) : appErrorResponse(c, result.error)
  ) as never;
}

/** The same, for JSON text that is already serialized (a cached document). */
export function respondPublicReadText(c: Context, result: Result<string>): never {
  return (result.ok ? publicAnswer(c, result.value) : appErrorResponse(c, result.error)) as never;
}
