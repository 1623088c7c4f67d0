import { IntegrityConstraintViolationError } from "slonik";
import { type AppError, appError } from "../../domain/shared/result.js";

const conflict = (code: string, detail: string) => appError("conflict", code, detail);

/**
 * The database is the last judge of the rules; when it refuses a change, the constraint's name says
 * which rule, and the client gets that rule's error instead of a 500. Every constraint that a client's
 * request can trip has an entry here.
 */
const BY_CONSTRAINT: Readonly<Record<string, AppError>> = {};

export function domainErrorOfConstraint(error: unknown): AppError | null {
  if (!(error instanceof IntegrityConstraintViolationError)) return null;
  const name = error.constraint;
  return (name && BY_CONSTRAINT[name]) || null;
}
