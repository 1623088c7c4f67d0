import { describe, expect, it } from "vitest";
import { appError } from "../../../src/domain/shared/result.js";
import { ownedBy } from "../../../src/domain/user/ownership.js";

const missing = appError("not_found", "patient_not_found", "No such patient.");
const patient = { id: 7, userId: 1 };

describe("ownedBy", () => {
  it("gives the owner the resource", () => {
    expect(ownedBy({ userId: 1, role: "user" }, patient, (p) => p.userId, missing)).toEqual({
      ok: true,
      value: patient,
    });
  });

  it("answers another account's resource exactly like a missing one", () => {
    const other = ownedBy({ userId: 2, role: "user" }, patient, (p) => p.userId, missing);
    const absent = ownedBy({ userId: 2, role: "user" }, null, (p: typeof patient) => p.userId, missing);
    expect(other).toEqual({ ok: false, error: missing });
    expect(absent).toEqual(other);
  });
});
