import { appError } from "../../../domain/shared/result.js";

/** A doctor-role account always has a profile; this guards against one removed underneath it. */
export const doctorProfileMissing = appError(
  "not_found",
  "doctor_not_found",
  "This account has no doctor profile.",
);
