import { describe, expect, it } from "vitest";
import type { QualificationInput } from "../../../src/domain/doctor/doctor.js";
import { addQualifications, addSpecializations, experienceYears } from "../../../src/domain/doctor/doctor.js";

describe("addSpecializations", () => {
  it("returns all the requested ids when none is held", () => {
    expect(addSpecializations([1, 2], [3, 4])).toEqual({ ok: true, value: [3, 4] });
  });

  it("refuses the whole request when one is already held", () => {
    const result = addSpecializations([1, 2], [3, 2]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ kind: "conflict", code: "specialization_already_held" });
    expect(result.error.errors).toEqual([{ path: "specializations.1", message: "already held or repeated" }]);
  });

  it("refuses a request that names one twice", () => {
    const result = addSpecializations([], [5, 6, 5]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("specialization_already_held");
    expect(result.error.errors?.map((e) => e.path)).toEqual(["specializations.2"]);
  });
});

describe("addQualifications", () => {
  const today = "2026-06-15";
  const q = (
    qualificationId: number,
    procurementYear = "2015-07-01",
    instituteName = "KEMU",
  ): QualificationInput => ({
    qualificationId,
    procurementYear,
    instituteName,
  });

  it("returns the qualifications to add, institute names trimmed", () => {
    expect(addQualifications([1], [q(2, "2015-07-01", "  King Edward  ")], today)).toEqual({
      ok: true,
      value: [{ qualificationId: 2, procurementYear: "2015-07-01", instituteName: "King Edward" }],
    });
  });

  it("accepts a qualification obtained today", () => {
    expect(addQualifications([], [q(2, today)], today).ok).toBe(true);
  });

  it("refuses one already held as a conflict", () => {
    const result = addQualifications([1, 2], [q(3), q(1)], today);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ kind: "conflict", code: "qualification_already_held" });
    expect(result.error.errors?.map((e) => e.path)).toEqual(["qualifications.1.name"]);
  });

  it("refuses a request that names one twice", () => {
    const result = addQualifications([], [q(4), q(4, "2018-01-01")], today);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("qualification_already_held");
  });

  it("refuses a procurement date in the future as a validation error", () => {
    const result = addQualifications([], [q(2, "2026-06-16")], today);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ kind: "validation" });
    expect(result.error.errors).toEqual([
      { path: "qualifications.0.procurement_year", message: "must not be in the future" },
    ]);
  });

  it("refuses a malformed date and an empty institute name", () => {
    const result = addQualifications([], [q(2, "2015-02-30", "  ")], today);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe("validation");
    expect(result.error.errors?.map((e) => e.path)).toEqual([
      "qualifications.0.procurement_year",
      "qualifications.0.institute_name",
    ]);
  });
});

describe("experienceYears", () => {
  it("is 0 without qualifications", () => {
    expect(experienceYears(null, "2026-06-15")).toBe(0);
  });

  it("counts whole years, the anniversary included", () => {
    expect(experienceYears("2015-06-15", "2026-06-15")).toBe(11);
    expect(experienceYears("2015-06-16", "2026-06-15")).toBe(10);
    expect(experienceYears("2015-12-31", "2026-01-01")).toBe(10);
  });

  it("is 0 within the first year", () => {
    expect(experienceYears("2026-01-01", "2026-06-15")).toBe(0);
    expect(experienceYears("2025-06-16", "2026-06-15")).toBe(0);
  });
});
