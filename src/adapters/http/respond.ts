import type { Context } from "hono";
import type { Result } from "../../domain/shared/result.js";
import { appErrorResponse } from "./problem.js";

/**
 * Answers a handler's Result: the value as JSON with `status`, or the error as problem+json.
 * Typed as `never` because a route's typed responses cannot express "this status or any problem";
 * the OpenAPI document lists both, and the e2e tests check the bodies.
 */
export function respond<T>(c: Context, result: Result<T>, status: 200 | 201): never {
  return (result.ok ? c.json(result.value as object, status) : appErrorResponse(c, result.error)) as never;
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
  return respond(c, result.ok ? await doctors.profile(result.value.doctorId) : result, status);
}

/** Answers JSON text that is already serialized (a cached or indexed document), or the error. */
export function respondJsonText(c: Context, result: Result<string>, status: 200 | 201): never {
  return (
    result.ok
      ? c.body(result.value, status, { "content-type": "application/json" })
      : appErrorResponse(c, result.error)
  ) as never;
}
