import { appError, err, ok, type Result } from "../../../domain/shared/result.js";
import type { CatalogRepository } from "../../../ports/catalog.repository.js";
import type { DoctorRepository } from "../../../ports/doctor.repository.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";
import { normalizeCatalogName } from "./catalog-names.js";
import { doctorProfileMissing } from "./doctor-not-found.js";

type What = "specialization" | "qualification";

const notHeld = (what: What, name: string) =>
  appError("not_found", `${what}_not_held`, `You do not hold the ${what} "${name}".`);

/**
 * One catalog entry off the doctor's profile, the name matched as adding matches it (trimmed, case and
 * spacing ignored). One the doctor does not hold, or not in the catalog at all, is 404.
 */
async function removeFromProfile(
  uow: UnitOfWork,
  what: What,
  id: number | undefined,
  name: string,
  doctorUserId: number,
  remove: (doctors: DoctorRepository, doctorId: number, id: number) => Promise<boolean>,
): Promise<Result<{ doctorId: number }>> {
  return uow.run(async ({ doctors, outbox }) => {
    const doctor = await doctors.lockByUserId(doctorUserId);
    if (!doctor) return err(doctorProfileMissing);
    if (id === undefined || !(await remove(doctors, doctor.id, id))) return err(notHeld(what, name));
    await outbox.append([{ type: "DoctorProfileChanged", doctorId: doctor.id }]);
    return ok({ doctorId: doctor.id });
  });
}

/** DELETE /doctors/specializations/{name}. */
export class RemoveSpecialization {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly catalog: CatalogRepository,
  ) {}

  async execute(doctorUserId: number, name: string): Promise<Result<{ doctorId: number }>> {
    const normalized = normalizeCatalogName(name);
    const id = (await this.catalog.specializationIdsByName([normalized])).get(normalized);
    return removeFromProfile(this.uow, "specialization", id, normalized, doctorUserId, (doctors, d, s) =>
      doctors.removeSpecialization(d, s),
    );
  }
}

/** DELETE /doctors/qualifications/{name}. */
export class RemoveQualification {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly catalog: CatalogRepository,
  ) {}

  async execute(doctorUserId: number, name: string): Promise<Result<{ doctorId: number }>> {
    const normalized = normalizeCatalogName(name);
    const id = (await this.catalog.qualificationIdsByName([normalized])).get(normalized);
    return removeFromProfile(this.uow, "qualification", id, normalized, doctorUserId, (doctors, d, q) =>
      doctors.removeQualification(d, q),
    );
  }
}
