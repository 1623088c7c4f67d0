import { domainErrorOfConstraintName } from "../../../src/adapters/postgres/constraint-errors.js";
import type { AppointmentStatus } from "../../../src/domain/appointment/appointment.js";
import type { Qualification } from "../../../src/domain/doctor/doctor.js";
import type { DomainEvent } from "../../../src/domain/events.js";
import { err, type Result } from "../../../src/domain/shared/result.js";
import { sittingOf } from "../../../src/domain/sitting/sitting.js";
import { closedReasonOf } from "../../../src/domain/sitting/sitting-book.js";
import type { Slot, SlotPlan } from "../../../src/domain/slot/slot.js";
import type { AppointmentRecord, NewAppointment } from "../../../src/ports/appointment.repository.js";
import type { CatalogRepository } from "../../../src/ports/catalog.repository.js";
import type { Clock } from "../../../src/ports/clock.js";
import type { DoctorRecord } from "../../../src/ports/doctor.repository.js";
import type { Notification } from "../../../src/ports/notifier.js";
import {
  ERASED_PATIENT_NAME,
  ERASED_PATIENT_NOTICE,
  type PatientInput,
  type PatientRecord,
} from "../../../src/ports/patient.repository.js";
import type { TransactionScope, UnitOfWork } from "../../../src/ports/unit-of-work.js";
import { ERASED_ACCOUNT_NAME, type UserCredentials } from "../../../src/ports/user.repository.js";
import { FakeSessionStore } from "./accounts.js";

/** A database constraint the fake enforces, named as PostgreSQL names it. */
export class FakeConstraintViolation extends Error {
  constructor(readonly constraint: string) {
    super(`fake constraint violation: ${constraint}`);
  }
}

interface State {
  nextId: number;
  doctors: DoctorRecord[];
  doctorSpecializations: { doctorId: number; id: number }[];
  doctorQualifications: (Qualification & { doctorId: number })[];
  slots: Slot[];
  /** `deletedAt` is set once the patient is erased (its name and symptoms are gone then). */
  patients: (PatientRecord & { deletedAt?: Date })[];
  appointments: (NewAppointment & {
    id: number;
    status: AppointmentStatus;
    cancelledBy?: "patient" | "doctor";
    cancellationReason?: string | null;
    rescheduledFrom?: { slotId: number; date: string; seat: number };
    calendarSequence?: number;
  })[];
  /** The date from which each retired slot holds no sitting, by slot id. */
  retiredFrom: Record<number, string>;
  timeOff: { id: number; doctorId: number; from: string; to: string; reason: string | null }[];
  idempotency: { userId: number; key: string; requestHash: string; appointmentId: number }[];
  outbox: DomainEvent[];
  users: UserCredentials[];
  /** Media key of each doctor's picture, by doctor id. */
  doctorImages: Record<number, string>;
  /** Each doctor's description, by doctor id. */
  doctorDescriptions: Record<number, string>;
  specializations: { id: number; name: string; imageKey: string | null }[];
  waitlist: {
    id: number;
    slotId: number;
    date: string;
    patientId: number;
    status: "waiting" | "booked" | "left";
  }[];
  ratings: { id: number; appointmentId: number; doctorId: number; rating: number; review: string | null }[];
  notifications: Notification[];
  passwordResets: { tokenDigest: string; userId: number; expiresAt: Date; usedAt: Date | null }[];
}

/** A patient as a repository returns it: a copy, without the fake's bookkeeping. */
const copyOf = (p: (PatientRecord & { deletedAt?: Date }) | null): PatientRecord | null =>
  p && { id: p.id, userId: p.userId, name: p.name, age: p.age, gender: p.gender, symptoms: p.symptoms };

/**
 * An in-memory unit of work with the same contract as the Postgres one: a failed Result leaves the
 * state as it was, and the live-seat uniqueness the database enforces is enforced here too.
 */
export class FakeUnitOfWork implements UnitOfWork {
  /**
   * The sessions a transaction sees; share it with the commands that use the store directly. Not rolled
   * back with a failed Result (commands write sessions only on success).
   */
  readonly sessions: FakeSessionStore;

  /** `clock`: when the fake sessions are opened (default the real time). */
  constructor(clock?: Clock) {
    this.sessions = new FakeSessionStore(
      (id) => this.state.users.find((u) => u.id === id)?.role ?? "user",
      clock ? () => clock.now() : undefined,
    );
  }
  state: State = {
    nextId: 1,
    doctors: [],
    doctorSpecializations: [],
    doctorQualifications: [],
    slots: [],
    patients: [],
    appointments: [],
    retiredFrom: {},
    timeOff: [],
    idempotency: [],
    outbox: [],
    users: [],
    doctorImages: {},
    doctorDescriptions: {},
    specializations: [],
    waitlist: [],
    ratings: [],
    notifications: [],
    passwordResets: [],
  };

  async run<T>(work: (scope: TransactionScope) => Promise<Result<T>>): Promise<Result<T>> {
    const before = structuredClone(this.state);
    try {
      const result = await work(this.scope());
      if (!result.ok) this.state = before;
      return result;
    } catch (error) {
      this.state = before;
      // As the Postgres unit of work: a violated rule with a domain meaning is that domain error.
      const meant = error instanceof FakeConstraintViolation && domainErrorOfConstraintName(error.constraint);
      if (meant) return err(meant);
      throw error;
    }
  }

  private id(): number {
    return this.state.nextId++;
  }

  private record(id: number): AppointmentRecord | null {
    const s = this.state;
    const a = s.appointments.find((x) => x.id === id);
    const owner = a && s.patients.find((p) => p.id === a.patientId);
    const doctor = a && s.doctors.find((d) => d.id === a.doctorId);
    if (!a || !owner || !doctor) return null;
    const { patientId, slotId, doctorId, date, seat, status } = a;
    return {
      id,
      status,
      patientId,
      slotId,
      doctorId,
      date,
      seat,
      ownerUserId: owner.userId,
      doctorUserId: doctor.userId,
    };
  }

  /** The patient if `userId` owns it and it is not deleted, as Postgres answers `findOwned`. */
  private ownedPatient(patientId: number, userId: number) {
    return (
      this.state.patients.find(
        (p) => p.id === patientId && p.userId === userId && p.deletedAt === undefined,
      ) ?? null
    );
  }

  private ownerOf(patientId: number): number {
    return this.state.patients.find((p) => p.id === patientId)?.userId ?? 0;
  }

  /** When the sitting of a slot on a date ends, in ms (0 for an unknown slot). */
  private sittingEnd(slotId: number, date: string): number {
    const slot = this.state.slots.find((x) => x.id === slotId);
    const doctor = slot && this.state.doctors.find((d) => d.id === slot.doctorId);
    return slot && doctor ? sittingOf(slot, date, doctor.timeZone).endsAt.getTime() : 0;
  }

  /** Booked or arrived appointments whose sitting has not ended at `now`, in id order. */
  private live(now: Date) {
    return this.state.appointments.filter(
      (a) =>
        (a.status === "booked" || a.status === "arrived") &&
        this.sittingEnd(a.slotId, a.date) > now.getTime(),
    );
  }

  private scope(): TransactionScope {
    const s = this.state;
    const scope: Omit<TransactionScope, "bookingContext"> = {
      outbox: { append: async (events) => void s.outbox.push(...events) },
      doctors: {
        insert: async (input) => {
          const doctor = { id: this.id(), userId: input.userId, timeZone: input.timeZone, verified: false };
          s.doctors.push(doctor);
          s.doctorDescriptions[doctor.id] = input.description;
          return doctor;
        },
        lockByUserId: async (userId) => s.doctors.find((d) => d.userId === userId) ?? null,
        lockById: async (doctorId) => s.doctors.find((d) => d.id === doctorId) ?? null,
        erase: async (doctorId) => {
          s.doctors = s.doctors.map((d) => (d.id === doctorId ? { ...d, verified: false } : d));
          delete s.doctorImages[doctorId];
        },
        setVerified: async (doctorId, verified) => {
          s.doctors = s.doctors.map((d) => (d.id === doctorId ? { ...d, verified } : d));
        },
        specializationIds: async (doctorId) =>
          s.doctorSpecializations.filter((x) => x.doctorId === doctorId).map((x) => x.id),
        addSpecializations: async (doctorId, ids) =>
          void s.doctorSpecializations.push(...ids.map((id) => ({ doctorId, id }))),
        qualificationIds: async (doctorId) =>
          s.doctorQualifications.filter((q) => q.doctorId === doctorId).map((q) => q.qualificationId),
        addQualifications: async (doctorId, qs) =>
          void s.doctorQualifications.push(...qs.map((q) => ({ ...q, doctorId }))),
        removeSpecialization: async (doctorId, id) => {
          const kept = s.doctorSpecializations.filter((x) => !(x.doctorId === doctorId && x.id === id));
          const removed = kept.length < s.doctorSpecializations.length;
          s.doctorSpecializations = kept;
          return removed;
        },
        removeQualification: async (doctorId, id) => {
          const kept = s.doctorQualifications.filter(
            (q) => !(q.doctorId === doctorId && q.qualificationId === id),
          );
          const removed = kept.length < s.doctorQualifications.length;
          s.doctorQualifications = kept;
          return removed;
        },
        updateProfile: async (doctor, change) => {
          if (change.name !== undefined) {
            s.users = s.users.map((u) =>
              u.id === doctor.userId ? { ...u, name: change.name as string } : u,
            );
          }
          if (change.description !== undefined) s.doctorDescriptions[doctor.id] = change.description;
          if (change.timeZone !== undefined) {
            const timeZone = change.timeZone;
            s.doctors = s.doctors.map((d) => (d.id === doctor.id ? { ...d, timeZone } : d));
          }
        },
      },
      slots: {
        listByDoctor: async (doctorId) =>
          s.slots.filter((x) => x.doctorId === doctorId && s.retiredFrom[x.id] === undefined),
        listHoldingSittingsFrom: async (doctorId, date) =>
          s.slots.filter((x) => x.doctorId === doctorId && (s.retiredFrom[x.id] ?? "9999-12-31") > date),
        lockLive: async (slotId, doctorId) =>
          s.slots.find(
            (x) => x.id === slotId && x.doctorId === doctorId && s.retiredFrom[x.id] === undefined,
          ) ?? null,
        update: async (slot) => {
          const others = s.slots.filter(
            (x) => x.id !== slot.id && x.doctorId === slot.doctorId && s.retiredFrom[x.id] === undefined,
          );
          const end = slot.startMinute + slot.appointmentDuration * slot.numSlots;
          if (
            end > 1440 ||
            others.some(
              (x) =>
                x.day === slot.day &&
                x.startMinute < end &&
                slot.startMinute < x.startMinute + x.appointmentDuration * x.numSlots,
            )
          ) {
            throw new FakeConstraintViolation("slots_no_overlap");
          }
          s.slots = s.slots.map((x) =>
            x.id === slot.id ? { ...x, numSlots: slot.numSlots, consultationFee: slot.consultationFee } : x,
          );
          return s.slots.find((x) => x.id === slot.id) as Slot;
        },
        insert: async (doctorId, plan: SlotPlan) => {
          const slot = { ...plan, id: this.id(), doctorId };
          s.slots.push(slot);
          return slot;
        },
        findWithTimeZone: async (slotId) => {
          const slot = s.slots.find((x) => x.id === slotId);
          const doctor = slot && s.doctors.find((d) => d.id === slot.doctorId);
          const name = doctor && s.users.find((u) => u.id === doctor.userId)?.name;
          return slot && doctor
            ? {
                slot,
                timeZone: doctor.timeZone,
                doctorName: name ?? "",
                doctorUserId: doctor.userId,
                doctorVerified: doctor.verified,
                retiredFrom: s.retiredFrom[slot.id] ?? null,
              }
            : null;
        },
        retire: async (slotId, from) => {
          s.retiredFrom[slotId] = from;
        },
      },
      timeOff: {
        add: async (doctorId, plan) => {
          const timeOff = { ...plan, id: this.id(), doctorId };
          s.timeOff.push(timeOff);
          return timeOff;
        },
        findOwned: async (id, doctorId) =>
          s.timeOff.find((t) => t.id === id && t.doctorId === doctorId) ?? null,
        remove: async (id) => {
          s.timeOff = s.timeOff.filter((t) => t.id !== id);
        },
      },
      patients: {
        insert: async (userId, input: PatientInput) => {
          const patient = { ...input, id: this.id(), userId };
          s.patients.push(patient);
          return patient;
        },
        findOwned: async (patientId, userId) => copyOf(this.ownedPatient(patientId, userId)),
        updateOwned: async (patientId, userId, change) => {
          const patient = this.ownedPatient(patientId, userId);
          if (!patient) return null;
          const defined = Object.entries(change).filter(([, v]) => v !== undefined);
          Object.assign(patient, Object.fromEntries(defined));
          return copyOf(patient);
        },
        erase: async (patientId) => {
          const patient = s.patients.find((p) => p.id === patientId && p.deletedAt === undefined);
          if (!patient) return;
          Object.assign(patient, { name: ERASED_PATIENT_NAME, symptoms: null, deletedAt: new Date() });
          const about = new Set(s.appointments.filter((a) => a.patientId === patientId).map((a) => a.id));
          s.notifications = s.notifications.map((n) =>
            n.appointmentId !== null && about.has(n.appointmentId)
              ? { ...n, text: ERASED_PATIENT_NOTICE }
              : n,
          );
        },
        idsOwnedBy: async (userId) =>
          s.patients
            .filter((p) => p.userId === userId && p.deletedAt === undefined)
            .map((p) => p.id)
            .sort((a, b) => a - b),
      },
      appointments: {
        heldSeats: async (slotId, date) =>
          s.appointments
            .filter((a) => a.slotId === slotId && a.date === date && a.status !== "cancelled")
            .map((a) => ({ seat: a.seat, patientId: a.patientId, ownerUserId: this.ownerOf(a.patientId) })),
        insert: async (a) => {
          const live = s.appointments.filter(
            (x) => x.slotId === a.slotId && x.date === a.date && x.status !== "cancelled",
          );
          if (live.some((x) => x.seat === a.seat))
            throw new FakeConstraintViolation("appointments_seat_taken");
          if (live.some((x) => x.patientId === a.patientId)) {
            throw new FakeConstraintViolation("appointments_patient_once");
          }
          if (a.seat > a.capacity) throw new FakeConstraintViolation("appointments_seat_in_capacity");
          const row = { ...a, id: this.id(), status: "booked" as const };
          s.appointments.push(row);
          return { id: row.id, createdAt: new Date() };
        },
        find: async (id) => this.record(id),
        findForUpdate: async (id) => this.record(id),
        setStatus: async (id, status) => {
          const a = s.appointments.find((x) => x.id === id);
          if (a) a.status = status;
        },
        liveOfDoctor: async (doctorId, now) =>
          this.live(now)
            .filter((a) => a.doctorId === doctorId)
            .map((a) => ({ id: a.id, ownerUserId: this.ownerOf(a.patientId), date: a.date, seat: a.seat })),
      },
      sittings: {
        lockAndLoad: async (loaded, timeZone, date) => {
          // As in Postgres, the capacity and fee are those committed when the lock is granted.
          const stored = s.slots.find((x) => x.id === loaded.id);
          const slot = stored
            ? { ...loaded, numSlots: stored.numSlots, consultationFee: stored.consultationFee }
            : loaded;
          return {
            slot,
            sitting: sittingOf(slot, date, timeZone),
            doctorId: slot.doctorId,
            seats: s.appointments
              .filter((a) => a.slotId === slot.id && a.date === date && a.status !== "cancelled")
              .sort((a, b) => a.seat - b.seat)
              .map((a) => ({
                appointmentId: a.id,
                seat: a.seat,
                patientId: a.patientId,
                ownerUserId: this.ownerOf(a.patientId),
                status: a.status as Exclude<AppointmentStatus, "cancelled">,
              })),
            waiting: s.waitlist
              .filter((w) => w.slotId === slot.id && w.date === date && w.status === "waiting")
              .map((w) => ({ id: w.id, patientId: w.patientId, ownerUserId: this.ownerOf(w.patientId) })),
            closedReason: closedReasonOf({
              retired: (s.retiredFrom[slot.id] ?? "9999-12-31") <= date,
              timeOff:
                s.timeOff.find((t) => t.doctorId === slot.doctorId && t.from <= date && date <= t.to)
                  ?.reason ??
                (s.timeOff.some((t) => t.doctorId === slot.doctorId && t.from <= date && date <= t.to)
                  ? ""
                  : null),
            }),
            cancelled: [],
          };
        },
        // Every transaction of the fake runs alone: the account is as the context read it.
        lockAndLoadWithAccount: async (loaded, timeZone, date, reserve, account) => ({
          book: await scope.sittings.lockAndLoad(loaded, timeZone, date, reserve),
          account: {
            patient: copyOf(this.ownedPatient(account.patientId, account.userId)),
            liveAppointments: await scope.usage.liveAppointments(account.userId, account.now),
          },
        }),
        newAppointmentId: async () => this.id(),
        newWaitingEntryId: async () => this.id(),
        placesOfPatient: async (patientId, now) => {
          const places = [
            ...s.appointments
              .filter(
                (a) =>
                  a.patientId === patientId &&
                  a.status === "booked" &&
                  this.sittingEnd(a.slotId, a.date) > now.getTime(),
              )
              .map((a) => ({ slotId: a.slotId, date: a.date })),
            ...s.waitlist
              .filter((w) => w.patientId === patientId && w.status === "waiting")
              .map((w) => ({ slotId: w.slotId, date: w.date })),
          ];
          const unique = new Map(places.map((p) => [`${p.slotId}/${p.date}`, p]));
          return [...unique.values()].sort((a, b) => a.slotId - b.slotId || a.date.localeCompare(b.date));
        },
        placeOfEntry: async (entryId) => {
          const w = s.waitlist.find((x) => x.id === entryId);
          return w ? { slotId: w.slotId, date: w.date } : null;
        },
        save: async (before, after) => {
          const ids = (xs: readonly { appointmentId: number }[]) => new Set(xs.map((x) => x.appointmentId));
          const held = ids(before.seats);
          for (const c of after.cancelled.slice(before.cancelled.length)) {
            const a = s.appointments.find((x) => x.id === c.appointmentId);
            if (a && a.status !== "cancelled") {
              a.status = "cancelled";
              a.cancelledBy = c.by;
              a.cancellationReason = c.reason;
              a.calendarSequence = (a.calendarSequence ?? 0) + 1;
            }
          }
          const createdAt = new Map<number, Date>();
          const added = after.seats.filter((x) => !held.has(x.appointmentId));
          const movedIn = new Map((after.movedIn ?? []).map((m) => [m.appointmentId, m.from]));
          for (const seat of added) {
            const { slot } = after;
            const live = s.appointments.filter(
              (x) => x.slotId === slot.id && x.date === after.sitting.date && x.status !== "cancelled",
            );
            if (live.some((x) => x.seat === seat.seat))
              throw new FakeConstraintViolation("appointments_seat_taken");
            if (live.some((x) => x.patientId === seat.patientId)) {
              throw new FakeConstraintViolation("appointments_patient_once");
            }
            if (seat.seat > slot.numSlots) throw new FakeConstraintViolation("appointments_seat_in_capacity");
            const from = movedIn.get(seat.appointmentId);
            const moving =
              from && s.appointments.find((x) => x.id === seat.appointmentId && x.status === "booked");
            if (from) {
              if (!moving) throw new Error("fake: only a booked appointment moves");
              Object.assign(moving, {
                slotId: slot.id,
                doctorId: slot.doctorId,
                date: after.sitting.date,
                seat: seat.seat,
                capacity: slot.numSlots,
                rescheduledFrom: from,
                calendarSequence: (moving.calendarSequence ?? 0) + 1,
              });
              createdAt.set(seat.appointmentId, new Date());
              continue;
            }
            s.appointments.push({
              id: seat.appointmentId,
              status: "booked",
              patientId: seat.patientId,
              slotId: slot.id,
              doctorId: slot.doctorId,
              date: after.sitting.date,
              seat: seat.seat,
              capacity: slot.numSlots,
            });
            createdAt.set(seat.appointmentId, new Date());
          }
          const waitingAfter = new Set(after.waiting.map((w) => w.id));
          for (const entry of before.waiting.filter((w) => !waitingAfter.has(w.id))) {
            const w = s.waitlist.find((x) => x.id === entry.id);
            if (w) w.status = added.some((x) => x.patientId === entry.patientId) ? "booked" : "left";
          }
          const waitingBefore = new Set(before.waiting.map((w) => w.id));
          for (const entry of after.waiting.filter((w) => !waitingBefore.has(w.id))) {
            const date = after.sitting.date;
            if (
              s.waitlist.some(
                (w) =>
                  w.status === "waiting" &&
                  w.slotId === after.slot.id &&
                  w.date === date &&
                  w.patientId === entry.patientId,
              )
            ) {
              throw new FakeConstraintViolation("waitlist_patient_once");
            }
            s.waitlist.push({
              id: entry.id,
              slotId: after.slot.id,
              date,
              patientId: entry.patientId,
              status: "waiting",
            });
          }
          return { createdAt };
        },
      },
      usage: {
        lock: async () => {},
        patients: async (userId) =>
          s.patients.filter((p) => p.userId === userId && p.deletedAt === undefined).length,
        liveAppointments: async (userId, now) =>
          this.live(now).filter((a) => this.ownerOf(a.patientId) === userId).length,
        waitingEntries: async (userId, now) =>
          s.waitlist.filter(
            (w) =>
              w.status === "waiting" &&
              this.ownerOf(w.patientId) === userId &&
              this.sittingEnd(w.slotId, w.date) > now.getTime(),
          ).length,
      },
      waitlist: {
        add: async (entry) => {
          if (
            s.waitlist.some(
              (w) =>
                w.status === "waiting" &&
                w.slotId === entry.slotId &&
                w.date === entry.date &&
                w.patientId === entry.patientId,
            )
          ) {
            throw new FakeConstraintViolation("waitlist_patient_once");
          }
          const row = { ...entry, id: this.id(), status: "waiting" as const };
          s.waitlist.push(row);
          return { id: row.id };
        },
        markLeft: async (entryId) => {
          const w = s.waitlist.find((x) => x.id === entryId);
          if (w) w.status = "left";
        },
      },
      ratings: {
        existsFor: async (appointmentId) => s.ratings.some((r) => r.appointmentId === appointmentId),
        add: async (r) => {
          const row = { ...r, id: this.id() };
          s.ratings.push(row);
          return { id: row.id, rating: r.rating, review: r.review, createdAt: new Date(0) };
        },
      },
      notifications: { notify: async (n) => void s.notifications.push(n) },
      users: {
        add: async (user) => {
          if (s.users.some((u) => u.email === user.email))
            throw new FakeConstraintViolation("users_email_key");
          const row = { ...user, id: this.id(), registeredAt: new Date(0), confirmed: false };
          s.users.push(row);
          const { passwordHash: _, ...account } = row;
          return account;
        },
        byId: async (id) => {
          const row = s.users.find((u) => u.id === id);
          if (!row) return null;
          const { passwordHash: _, ...account } = row;
          return account;
        },
        credentialsByEmail: async (email) => s.users.find((u) => u.email === email) ?? null,
        credentialsById: async (id) => s.users.find((u) => u.id === id) ?? null,
        consumePasswordReset: async (tokenDigest, now) => {
          const found = s.passwordResets.find(
            (r) => r.tokenDigest === tokenDigest && r.usedAt === null && r.expiresAt > now,
          );
          if (!found) return null;
          for (const r of s.passwordResets)
            if (r.userId === found.userId && r.usedAt === null) r.usedAt = now;
          return found.userId;
        },
        setPasswordHash: async (id, passwordHash) => {
          const found = s.users.some((u) => u.id === id);
          s.users = s.users.map((u) => (u.id === id ? { ...u, passwordHash } : u));
          return found;
        },
        erase: async (id) => {
          s.users = s.users.map((u) =>
            u.id === id
              ? { ...u, name: ERASED_ACCOUNT_NAME, email: `erased-${id}@erased.invalid`, passwordHash: "!" }
              : u,
          );
          s.notifications = s.notifications.filter((n) => n.userId !== id);
          s.idempotency = s.idempotency.filter((k) => k.userId !== id);
        },
      },
      sessions: this.sessions,
      idempotency: {
        lock: async () => {},
        find: async (userId, key) => s.idempotency.find((x) => x.userId === userId && x.key === key) ?? null,
        save: async (userId, key, requestHash, appointmentId) =>
          void s.idempotency.push({ userId, key, requestHash, appointmentId }),
      },
      images: {
        setDoctorImage: async (userId, key) => {
          const doctor = s.doctors.find((d) => d.userId === userId);
          if (!doctor) return null;
          const previousKey = s.doctorImages[doctor.id] ?? null;
          s.doctorImages[doctor.id] = key;
          return { doctorId: doctor.id, previousKey };
        },
        setSpecializationImage: async (id, key) => {
          const specialization = s.specializations.find((x) => x.id === id);
          if (!specialization) return null;
          const previousKey = specialization.imageKey;
          specialization.imageKey = key;
          return { id, name: specialization.name, previousKey };
        },
      },
    };
    // The two reads of a booking's context, as the separate repositories answer them.
    const bookingContext: TransactionScope["bookingContext"] = {
      read: async ({ userId, patientId, slotId }) => ({
        patient: await scope.patients.findOwned(patientId, userId),
        slot: await scope.slots.findWithTimeZone(slotId),
        // The fake serializes every transaction: nothing to lock.
        sittingLocked: false,
      }),
    };
    return { ...scope, bookingContext };
  }
}

export class FixedClock implements Clock {
  constructor(public current: Date) {}
  now(): Date {
    return this.current;
  }
}

export const fakeCatalog = (
  specializations: Record<string, number>,
  qualifications: Record<string, number>,
): CatalogRepository => ({
  listQualifications: async () => Object.entries(qualifications).map(([name, id]) => ({ id, name })),
  listSpecializations: async () =>
    Object.entries(specializations).map(([name, id]) => ({ id, name, imageKey: null })),
  specializationIdsByName: async (names) =>
    new Map(names.flatMap((n) => (specializations[n] ? [[n, specializations[n]] as const] : []))),
  qualificationIdsByName: async (names) =>
    new Map(names.flatMap((n) => (qualifications[n] ? [[n, qualifications[n]] as const] : []))),
});
