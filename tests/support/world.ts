import { createAdmin, registerAndSignIn, signIn } from "./accounts.js";
import { addSlot, newDoctor, newPatient, post } from "./booking.js";
import { nextWeekday } from "./fixtures.js";
import type { TestServer } from "./server.js";

export const ROLES = ["anonymous", "user", "otherUser", "doctor", "otherDoctor", "admin"] as const;
export type Role = (typeof ROLES)[number];
export type SignedInRole = Exclude<Role, "anonymous">;

export interface Credentials {
  readonly email: string;
  readonly password: string;
}

/**
 * One of each kind of caller, and the resources "user" and "doctor" own: the patients of "user", an
 * appointment of one of them with "doctor", and a full one-seat sitting of "doctor" (for the waitlist).
 * "otherUser" and "otherDoctor" own look-alike resources and try to reach the first ones.
 */
export interface World {
  readonly tokens: Record<SignedInRole, string>;
  readonly credentials: Record<SignedInRole, Credentials>;
  readonly doctorId: number;
  readonly otherDoctorId: number;
  readonly slotId: number;
  readonly otherSlotId: number;
  /** Patient of "user" holding `appointmentId`. */
  readonly patientId: number;
  /** A second patient of "user", free to book or to wait. */
  readonly secondPatientId: number;
  readonly otherPatientId: number;
  readonly appointmentId: number;
  /** "doctor"'s one-seat slot, whose sitting on `fullDate` is taken by `patientId`. */
  readonly fullSlotId: number;
  readonly fullDate: string;
}

const DOCTOR_PASSWORD = "a long enough password";

async function expectCreated(res: Response, what: string) {
  if (res.status !== 201) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: number };
}

export async function buildWorld(server: TestServer): Promise<World> {
  const [user, otherUser, doctor, otherDoctor, admin] = await Promise.all([
    registerAndSignIn(server, { name: "Matrix User" }),
    registerAndSignIn(server, { name: "Matrix Other User" }),
    newDoctor(server, { name: "Matrix Doctor" }),
    newDoctor(server, { name: "Matrix Other Doctor" }),
    createAdmin(server),
  ]);
  const [slot, otherSlot, fullSlot] = [
    await addSlot(server, doctor.token, { day: "monday", start: "09:00" }),
    await addSlot(server, otherDoctor.token, { day: "monday", start: "09:00" }),
    await addSlot(server, doctor.token, { day: "tuesday", start: "10:00", num_slots: 1 }),
  ];
  const patient = await newPatient(server, user.token, "Matrix Patient");
  const secondPatient = await newPatient(server, user.token, "Matrix Second Patient");
  const otherPatient = await newPatient(server, otherUser.token, "Matrix Other Patient");
  const appointment = await expectCreated(
    await post(server, "/patient/new_appointment", user.token, { slot_id: slot.id, patient_id: patient.id }),
    "booking",
  );
  const fullDate = nextWeekday("tuesday");
  await expectCreated(
    await post(server, "/patient/new_appointment", user.token, {
      slot_id: fullSlot.id,
      patient_id: patient.id,
      date: fullDate,
    }),
    "booking the one-seat sitting",
  );
  return {
    tokens: {
      user: user.token,
      otherUser: otherUser.token,
      doctor: doctor.token,
      otherDoctor: otherDoctor.token,
      admin: admin.token,
    },
    credentials: {
      user,
      otherUser,
      doctor: { email: doctor.email, password: DOCTOR_PASSWORD },
      otherDoctor: { email: otherDoctor.email, password: DOCTOR_PASSWORD },
      admin,
    },
    doctorId: doctor.id,
    otherDoctorId: otherDoctor.id,
    slotId: slot.id,
    otherSlotId: otherSlot.id,
    patientId: patient.id,
    secondPatientId: secondPatient.id,
    otherPatientId: otherPatient.id,
    appointmentId: appointment.id,
    fullSlotId: fullSlot.id,
    fullDate,
  };
}

/** A token of its own, for a request that ends the session it is sent with (logout). */
export const freshToken = (server: TestServer, world: World, role: SignedInRole) =>
  signIn(server, world.credentials[role].email, world.credentials[role].password);
