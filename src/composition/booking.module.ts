import { ContainerModule } from "inversify";
import { PgAppointmentReadModel } from "../adapters/postgres/appointment.read-model.pg.js";
import { PgCatalogRepository } from "../adapters/postgres/catalog.repository.pg.js";
import { PgDoctorReadModel } from "../adapters/postgres/doctor.read-model.pg.js";
import { PgIdempotencyKeyPurger } from "../adapters/postgres/idempotency.store.pg.js";
import { PgPatientReadModel } from "../adapters/postgres/patient.read-model.pg.js";
import { BookAppointment } from "../application/commands/booking/book-appointment.js";
import { CancelAppointment } from "../application/commands/booking/cancel-appointment.js";
import { RescheduleAppointment } from "../application/commands/booking/reschedule-appointment.js";
import { AddQualifications } from "../application/commands/doctors/add-qualifications.js";
import { AddSpecializations } from "../application/commands/doctors/add-specializations.js";
import { ChangeDoctorProfile } from "../application/commands/doctors/change-doctor-profile.js";
import { ChangeDoctorVerification } from "../application/commands/doctors/change-doctor-verification.js";
import { RegisterDoctor } from "../application/commands/doctors/register-doctor.js";
import {
  RemoveQualification,
  RemoveSpecialization,
} from "../application/commands/doctors/remove-from-profile.js";
import { ChangePatient } from "../application/commands/patients/change-patient.js";
import { DeletePatient } from "../application/commands/patients/delete-patient.js";
import { RegisterPatient } from "../application/commands/patients/register-patient.js";
import { AddSlot } from "../application/commands/schedule/add-slot.js";
import { ChangeSlot } from "../application/commands/schedule/change-slot.js";
import { CatalogQueries } from "../application/queries/doctors/catalog.queries.js";
import { DoctorQueries } from "../application/queries/doctors/doctor.queries.js";
import { PatientQueries } from "../application/queries/patients/patient.queries.js";
import { ReadCache } from "../application/queries/read-cache.js";
import type { Config } from "../config.js";
import { APPOINTMENT_READ_MODEL, type AppointmentReadModel } from "../ports/appointment.read-model.js";
import { CATALOG_REPOSITORY, type CatalogRepository } from "../ports/catalog.repository.js";
import { CLOCK } from "../ports/clock.js";
import { COMMON_PASSWORDS } from "../ports/common-passwords.js";
import { DOCTOR_READ_MODEL, type DoctorReadModel } from "../ports/doctor.read-model.js";
import { IDEMPOTENCY_KEY_PURGER, type IdempotencyKeyPurger } from "../ports/idempotency.store.js";
import { IMAGE_URLS } from "../ports/image-urls.js";
import { PASSWORD_HASHER } from "../ports/password-hasher.js";
import { PATIENT_READ_MODEL, type PatientReadModel } from "../ports/patient.read-model.js";
import { UNIT_OF_WORK } from "../ports/unit-of-work.js";
import type { Infrastructure } from "./infrastructure.js";
import { limitsOf } from "./limits.module.js";

/**
 * Doctors, the catalog, slots, patients and appointments (doctors, catalog, patients and admin routes):
 * commands on the unit of work, queries on read models.
 */
export const bookingModule = (infra: Infrastructure, config: Config) =>
  new ContainerModule(({ bind }) => {
    const { pool } = infra;
    // Doctor lists, profiles on a cache miss, timings, popular: lag-tolerant, so on the replica when it has caught up.
    bind<DoctorReadModel>(DOCTOR_READ_MODEL).toConstantValue(new PgDoctorReadModel(infra.readPool));
    bind<PatientReadModel>(PATIENT_READ_MODEL).toConstantValue(new PgPatientReadModel(pool));
    bind<AppointmentReadModel>(APPOINTMENT_READ_MODEL).toConstantValue(new PgAppointmentReadModel(pool));
    bind<IdempotencyKeyPurger>(IDEMPOTENCY_KEY_PURGER).toConstantValue(new PgIdempotencyKeyPurger(pool));
    bind<CatalogRepository>(CATALOG_REPOSITORY).toConstantValue(new PgCatalogRepository(pool));

    const limits = limitsOf(config);
    bind(AddSlot).toDynamicValue((ctx) => new AddSlot(ctx.get(UNIT_OF_WORK), limits));
    bind(AddSpecializations).toDynamicValue(
      (ctx) => new AddSpecializations(ctx.get(UNIT_OF_WORK), ctx.get(CATALOG_REPOSITORY)),
    );
    bind(AddQualifications).toDynamicValue(
      (ctx) => new AddQualifications(ctx.get(UNIT_OF_WORK), ctx.get(CATALOG_REPOSITORY), ctx.get(CLOCK)),
    );
    bind(ChangeSlot).toDynamicValue(
      (ctx) => new ChangeSlot(ctx.get(UNIT_OF_WORK), ctx.get(CLOCK), config.BOOKING_HORIZON_DAYS),
    );
    bind(ChangeDoctorProfile).toDynamicValue(
      (ctx) => new ChangeDoctorProfile(ctx.get(UNIT_OF_WORK), ctx.get(CLOCK)),
    );
    bind(RemoveSpecialization).toDynamicValue(
      (ctx) => new RemoveSpecialization(ctx.get(UNIT_OF_WORK), ctx.get(CATALOG_REPOSITORY)),
    );
    bind(RemoveQualification).toDynamicValue(
      (ctx) => new RemoveQualification(ctx.get(UNIT_OF_WORK), ctx.get(CATALOG_REPOSITORY)),
    );
    bind(RegisterDoctor).toDynamicValue(
      (ctx) =>
        new RegisterDoctor(
          ctx.get(UNIT_OF_WORK),
          ctx.get(PASSWORD_HASHER),
          ctx.get(COMMON_PASSWORDS),
          config.DEFAULT_TIMEZONE,
        ),
    );
    bind(RegisterPatient).toDynamicValue((ctx) => new RegisterPatient(ctx.get(UNIT_OF_WORK), limits));
    bind(ChangePatient).toDynamicValue((ctx) => new ChangePatient(ctx.get(UNIT_OF_WORK)));
    bind(DeletePatient).toDynamicValue((ctx) => new DeletePatient(ctx.get(UNIT_OF_WORK), ctx.get(CLOCK)));
    bind(BookAppointment).toDynamicValue(
      (ctx) =>
        new BookAppointment(ctx.get(UNIT_OF_WORK), ctx.get(CLOCK), config.BOOKING_HORIZON_DAYS, limits),
    );
    bind(RescheduleAppointment).toDynamicValue(
      (ctx) =>
        new RescheduleAppointment(ctx.get(UNIT_OF_WORK), ctx.get(CLOCK), config.BOOKING_HORIZON_DAYS, limits),
    );
    bind(ChangeDoctorVerification).toDynamicValue(
      (ctx) => new ChangeDoctorVerification(ctx.get(UNIT_OF_WORK), ctx.get(CLOCK)),
    );
    bind(CancelAppointment).toDynamicValue(
      (ctx) => new CancelAppointment(ctx.get(UNIT_OF_WORK), ctx.get(CLOCK)),
    );

    bind(CatalogQueries).toDynamicValue(
      (ctx) => new CatalogQueries(ctx.get(CATALOG_REPOSITORY), ctx.get(IMAGE_URLS), ctx.get(ReadCache)),
    );
    bind(DoctorQueries).toDynamicValue(
      (ctx) =>
        new DoctorQueries(
          ctx.get(DOCTOR_READ_MODEL),
          ctx.get(IMAGE_URLS),
          ctx.get(CLOCK),
          ctx.get(ReadCache),
        ),
    );
    bind(PatientQueries).toDynamicValue(
      (ctx) =>
        new PatientQueries(
          ctx.get(PATIENT_READ_MODEL),
          ctx.get(APPOINTMENT_READ_MODEL),
          ctx.get(DOCTOR_READ_MODEL),
        ),
    );
  });
