import { type AppError, err, ok, type Result } from "../shared/result.js";
import type { Principal } from "./principal.js";

/**
 * The ownership rule of every route: a resource that belongs to another account is answered exactly as
 * one that does not exist (`missing`, a not_found error), so ids cannot be probed.
 */
export function ownedBy<T>(
  principal: Principal,
  resource: T | null | undefined,
  ownerOf: (resource: T) => number,
  missing: AppError,
): Result<T> {
  if (resource === null || resource === undefined || ownerOf(resource) !== principal.userId) {
    return err(missing);
  }
  return ok(resource);
}
