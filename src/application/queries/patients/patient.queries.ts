import { appError, err, ok, type Result } from "../../../domain/shared/result.js";
import { ownedBy } from "../../../domain/user/ownership.js";
import type { Principal } from "../../../domain/user/principal.js";
import type { AppointmentReadModel } from "../../../ports/appointment.read-model.js";
import type { DoctorReadModel } from "../../../ports/doctor.read-model.js";
import type { PatientReadModel } from "../../../ports/patient.read-model.js";
import { appointmentNotFound } from "../../not-found.js";
import { offsetOf, type Page, type PageRequest, pageOf } from "../page.js";
import { type AppointmentView, type PatientView, toAppointmentView, toPatientView } from "../views.js";

const patientNotFound = appError("not_found", "patient_not_found", "No such patient.");

/** Reads of patients and appointments; anything the caller may not see answers exactly like a missing one. */
export class PatientQueries {
  constructor(
    private readonly patients: PatientReadModel,
    private readonly appointments: AppointmentReadModel,
    private readonly doctors: DoctorReadModel,
  ) {}

  async listOwned(principal: Principal, page: PageRequest): Promise<Page<PatientView>> {
    const { rows, total } = await this.patients.listOwned(principal.userId, offsetOf(page), page.perPage);
    return pageOf(rows.map(toPatientView), page, total);
  }

  /** The owner, an admin, or a doctor the patient has an appointment with may see a patient. */
  async get(principal: Principal, patientId: number): Promise<Result<PatientView>> {
    const patient = await this.patients.findById(patientId);
    if (!patient) return err(patientNotFound);
    if (patient.userId === principal.userId || principal.role === "admin") return ok(toPatientView(patient));
    if (principal.role === "doctor") {
      const doctorId = await this.doctors.doctorIdOfUser(principal.userId);
      if (doctorId !== null && (await this.patients.hasAppointmentWith(patientId, doctorId))) {
        return ok(toPatientView(patient));
      }
    }
    return err(patientNotFound);
  }

  async ofDoctor(principal: Principal, page: PageRequest): Promise<Page<PatientView>> {
    const doctorId = await this.doctors.doctorIdOfUser(principal.userId);
    if (doctorId === null) return pageOf([], page, 0);
    const { rows, total } = await this.patients.listOfDoctor(doctorId, offsetOf(page), page.perPage);
    return pageOf(rows.map(toPatientView), page, total);
  }

  async ofAppointment(principal: Principal, appointmentId: number): Promise<Result<{ data: PatientView[] }>> {
    const doctorId = await this.doctors.doctorIdOfUser(principal.userId);
    const patient = doctorId === null ? null : await this.patients.findOfAppointment(appointmentId, doctorId);
    return patient ? ok({ data: [toPatientView(patient)] }) : err(appointmentNotFound);
  }

  async history(principal: Principal, page: PageRequest): Promise<Page<AppointmentView>> {
    const { rows, total } = await this.appointments.historyOfOwner(
      principal.userId,
      offsetOf(page),
      page.perPage,
    );
    return pageOf(rows.map(toAppointmentView), page, total);
  }

  /** One appointment of one of the caller's patients; someone else's is answered as missing. */
  async ownAppointment(principal: Principal, appointmentId: number): Promise<Result<AppointmentView>> {
    const owned = ownedBy(
      principal,
      await this.appointments.findById(appointmentId),
      (row) => row.patient.userId,
      appointmentNotFound,
    );
    return owned.ok ? ok(toAppointmentView(owned.value)) : owned;
  }

  async appointment(appointmentId: number): Promise<Result<AppointmentView>> {
    const row = await this.appointments.findById(appointmentId);
    return row ? ok(toAppointmentView(row)) : err(appointmentNotFound);
  }
}
