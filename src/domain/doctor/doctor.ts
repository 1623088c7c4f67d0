import { isCalendarDate } from "../shared/calendar-date.js";
import type { FieldError, Result } from "../shared/result.js";
import { appError, err, ok } from "../shared/result.js";

export interface QualificationInput {
  readonly qualificationId: number;
  /** The date the qualification was obtained, `YYYY-MM-DD` (the API keeps the original field name). */
  readonly procurementYear: string;
  readonly instituteName: string;
}

export interface Qualification {
  readonly qualificationId: number;
  readonly procurementYear: string;
  readonly instituteName: string;
}

/** Indexes of entries whose id is held already or repeats an earlier entry of the same request. */
const duplicateIndexes = (held: readonly number[], requested: readonly number[]): number[] => {
  const seen = new Set(held);
  const duplicates: number[] = [];
  requested.forEach((id, index) => {
    if (seen.has(id)) duplicates.push(index);
    seen.add(id);
  });
  return duplicates;
};

/** The specialization ids to add; the request is refused whole if any is held already or repeated. */
export const addSpecializations = (
  held: readonly number[],
  requested: readonly number[],
): Result<number[]> => {
  const duplicates = duplicateIndexes(held, requested);
  if (duplicates.length > 0) {
    return err(
      appError(
        "conflict",
        "specialization_already_held",
        "A requested specialization is already held or repeated.",
        {
          errors: duplicates.map((index) => ({
            path: `specializations.${index}`,
            message: "already held or repeated",
          })),
        },
      ),
    );
  }
  return ok([...requested]);
};

/**
 * The qualifications to add, institute names trimmed. Field mistakes (400) are reported before
 * duplicates (409) so a client fixes its request first. `today` is the doctor's local date.
 */
export const addQualifications = (
  held: readonly number[],
  requested: readonly QualificationInput[],
  today: string,
): Result<Qualification[]> => {
  const invalid: FieldError[] = [];
  requested.forEach((q, index) => {
    if (!isCalendarDate(q.procurementYear)) {
      invalid.push({
        path: `qualifications.${index}.procurement_year`,
        message: "must be a date YYYY-MM-DD",
      });
    } else if (q.procurementYear > today) {
      invalid.push({
        path: `qualifications.${index}.procurement_year`,
        message: "must not be in the future",
      });
    }
    if (q.instituteName.trim() === "") {
      invalid.push({ path: `qualifications.${index}.institute_name`, message: "must not be empty" });
    }
  });
  if (invalid.length > 0) {
    return err(
      appError("validation", "invalid_qualification", "A qualification is not valid.", { errors: invalid }),
    );
  }

  const duplicates = duplicateIndexes(
    held,
    requested.map((q) => q.qualificationId),
  );
  if (duplicates.length > 0) {
    return err(
      appError(
        "conflict",
        "qualification_already_held",
        "A requested qualification is already held or repeated.",
        {
          errors: duplicates.map((index) => ({
            path: `qualifications.${index}.name`,
            message: "already held or repeated",
          })),
        },
      ),
    );
  }
  return ok(requested.map((q) => ({ ...q, instituteName: q.instituteName.trim() })));
};

/** Whole years from the earliest qualification to `today` (an anniversary counts on its day); 0 with none. */
export const experienceYears = (earliestProcurement: string | null, today: string): number => {
  if (earliestProcurement === null) return 0;
  const years = Number(today.slice(0, 4)) - Number(earliestProcurement.slice(0, 4));
  const anniversaryPassed = today.slice(5) >= earliestProcurement.slice(5);
  return Math.max(0, anniversaryPassed ? years : years - 1);
};
