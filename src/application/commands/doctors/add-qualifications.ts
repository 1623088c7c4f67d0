import { addQualifications } from "../../../domain/doctor/doctor.js";
import { err, ok, type Result } from "../../../domain/shared/result.js";
import { localDateOf } from "../../../domain/sitting/zoned-time.js";
import type { CatalogRepository } from "../../../ports/catalog.repository.js";
import type { Clock } from "../../../ports/clock.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";
import { normalizeCatalogName, resolveCatalogNames } from "./catalog-names.js";
import { doctorProfileMissing } from "./doctor-not-found.js";

export interface QualificationRequest {
  readonly name: string;
  readonly procurement_year: string;
  readonly institute_name: string;
}

export class AddQualifications {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly catalog: CatalogRepository,
    private readonly clock: Clock,
  ) {}

  async execute(
    doctorUserId: number,
    requests: readonly QualificationRequest[],
  ): Promise<Result<{ doctorId: number }>> {
    const known = await this.catalog.qualificationIdsByName(
      requests.map((q) => normalizeCatalogName(q.name)),
    );
    const names = resolveCatalogNames(
      requests.map((q) => q.name),
      known,
      (i) => `qualifications.${i}.name`,
      "qualification",
    );
    if (!names.ok) return names;

    return this.uow.run(async ({ doctors, outbox }) => {
      const doctor = await doctors.lockByUserId(doctorUserId);
      if (!doctor) return err(doctorProfileMissing);
      const today = localDateOf(this.clock.now(), doctor.timeZone);
      const toAdd = addQualifications(
        await doctors.qualificationIds(doctor.id),
        requests.map((q, i) => ({
          qualificationId: names.value[i] as number,
          procurementYear: q.procurement_year,
          instituteName: q.institute_name,
        })),
        today,
      );
      if (!toAdd.ok) return toAdd;
      await doctors.addQualifications(doctor.id, toAdd.value);
      await outbox.append([
        {
          type: "QualificationsAdded",
          doctorId: doctor.id,
          qualificationIds: toAdd.value.map((q) => q.qualificationId),
        },
      ]);
      return ok({ doctorId: doctor.id });
    });
  }
}
