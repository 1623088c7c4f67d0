import { addSpecializations } from "../../../domain/doctor/doctor.js";
import { err, ok, type Result } from "../../../domain/shared/result.js";
import type { CatalogRepository } from "../../../ports/catalog.repository.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";
import { normalizeCatalogName, resolveCatalogNames } from "./catalog-names.js";
import { doctorProfileMissing } from "./doctor-not-found.js";

/** Adds every requested specialization (the original added only the first), or none. */
export class AddSpecializations {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly catalog: CatalogRepository,
  ) {}

  async execute(doctorUserId: number, names: readonly string[]): Promise<Result<{ doctorId: number }>> {
    const known = await this.catalog.specializationIdsByName(names.map(normalizeCatalogName));
    const requested = resolveCatalogNames(names, known, (i) => `specializations.${i}`, "specialization");
    if (!requested.ok) return requested;

    return this.uow.run(async ({ doctors, outbox }) => {
      const doctor = await doctors.lockByUserId(doctorUserId);
      if (!doctor) return err(doctorProfileMissing);
      const toAdd = addSpecializations(await doctors.specializationIds(doctor.id), requested.value);
      if (!toAdd.ok) return toAdd;
      await doctors.addSpecializations(doctor.id, toAdd.value);
      await outbox.append([
        { type: "SpecializationsAdded", doctorId: doctor.id, specializationIds: toAdd.value },
      ]);
      return ok({ doctorId: doctor.id });
    });
  }
}
