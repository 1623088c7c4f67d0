import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { PG_POOL, startWorkers } from "../../src/container.js";
import { createAdmin, registerAndSignIn, type SignedInAccount } from "../support/accounts.js";
import { addSlot, auth, get, newDoctor, newPatient, post } from "../support/booking.js";
import { eventually } from "../support/eventually.js";
import { nextWeekday, uniqueWord } from "../support/fixtures.js";
import { startTestServer, type TestServer } from "../support/server.js";

interface Page<T> {
  data: T[];
  page: number;
  per_page: number;
  total: number;
}
interface Problem {
  type: string;
  status: number;
  detail: string;
}

const problemOf = async (res: Response) => ({ ...((await res.json()) as Problem), status: res.status });
const count = z.object({ n: z.number() });

describe("trust and limits: verified doctors, patient visibility, no self-dealing, caps", () => {
  let server: TestServer;
  let pool: DatabasePool;
  let workers: { close(): Promise<void> };
  let admin: SignedInAccount;
  beforeAll(async () => {
    server = await startTestServer();
    pool = server.runtime.container.get<DatabasePool>(PG_POOL);
    workers = startWorkers(server.runtime);
    admin = await createAdmin(server);
  });
  afterAll(async () => {
    await workers?.close();
    await server?.close();
  });

  const adminPost = (path: string) => server.request(path, { method: "POST", headers: auth(admin.token) });
  const searchIds = async (path: string) =>
    ((await (await get(server, path)).json()) as Page<{ id: number }>).data.map((d) => d.id);
  /** The ids of the last two pages of a list in id order: a new doctor is among the newest. */
  const lastPageIds = async (path: string, token?: string) => {
    const join = path.includes("?") ? "&" : "?";
    const first = (await (await get(server, `${path}${join}per_page=1`, token)).json()) as Page<unknown>;
    const last = Math.max(1, Math.ceil(first.total / 100));
    const pages = await Promise.all(
      [last - 1, last]
        .filter((page) => page >= 1)
        .map(async (page) => {
          const res = await get(server, `${path}${join}per_page=100&page=${page}`, token);
          return ((await res.json()) as Page<{ id: number }>).data.map((d) => d.id);
        }),
    );
    return pages.flat();
  };

  describe("doctors are verified before patients see them", () => {
    it("keeps an unverified doctor out of every public read and unbookable; verified it appears, suspended it goes, and its booked patients are told", async () => {
      const word = uniqueWord("T");
      const dr = await newDoctor(server, { name: `Dr ${word}`, verified: false });
      // An unverified doctor may edit its profile and publish slots.
      expect(
        (await post(server, "/doctors/add_specializations", dr.token, { specializations: ["cardiologist"] }))
          .status,
      ).toBe(200);
      const slot = await addSlot(server, dr.token, { day: "thursday", start: "10:00", num_slots: 5 });
      const own = await get(server, "/doctors/info", dr.token);
      expect(await own.json()).toMatchObject({ id: dr.id, verified: false, slots: [{ id: slot.id }] });

      // A verified doctor of the same name, made after it: once search shows it, the projector has
      // handled the unverified doctor's events too.
      const control = await newDoctor(server, { name: `Dr ${word}` });
      const search = `/misc/doctors/search?q=${word}&per_page=100`;
      expect(await eventually(async () => (await searchIds(search)).includes(control.id), 20_000, 50)).toBe(
        true,
      );
      const hidden = async () => ({
        get: (await get(server, `/doctors/get/${dr.id}`)).status,
        slots: (await get(server, `/doctors/slot/${dr.id}`)).status,
        timings: (await get(server, `/doctors/timings/${dr.id}?days=14`)).status,
        reviews: (await get(server, `/doctors/${dr.id}/reviews`)).status,
        all: (await lastPageIds("/doctors/all")).includes(dr.id),
        popular: (await searchIds("/doctors/popular/doctors")).includes(dr.id),
        search: (await searchIds(search)).includes(dr.id),
        byName: (await searchIds(`/misc/doctors/${word}`)).includes(dr.id),
        bySpecialization: (
          await searchIds(`/misc/doctors/search?q=${word}&specialization=cardiologist`)
        ).includes(dr.id),
        byDay: (await searchIds(`/misc/doctors/search?q=${word}&day=thursday`)).includes(dr.id),
      });
      const invisible = {
        get: 404,
        slots: 404,
        timings: 404,
        reviews: 404,
        all: false,
        popular: false,
        search: false,
        byName: false,
        bySpecialization: false,
        byDay: false,
      };
      expect(await hidden()).toEqual(invisible);

      const user = await registerAndSignIn(server);
      const [p1, p2] = [await newPatient(server, user.token), await newPatient(server, user.token)];
      const date = nextWeekday("thursday");
      const booking = { slot_id: slot.id, patient_id: p1.id, date };
      const refused = await post(server, "/patient/new_appointment", user.token, booking);
      expect(await problemOf(refused)).toMatchObject({ status: 404, type: "/problems/slot_not_found" });
      const waiting = await post(server, "/patient/waitlist", user.token, booking);
      expect(waiting.status).toBe(404);

      // The admin's queue of doctors to verify holds it; only admins may see or change it.
      expect(await lastPageIds("/admin/doctors?verified=false", admin.token)).toContain(dr.id);
      expect(await lastPageIds("/admin/doctors?verified=true", admin.token)).not.toContain(dr.id);
      for (const token of [user.token, dr.token]) {
        expect((await get(server, "/admin/doctors", token)).status).toBe(403);
        expect((await post(server, `/admin/doctors/${dr.id}/verify`, token, {})).status).toBe(403);
      }
      expect((await server.request(`/admin/doctors/${dr.id}/verify`, { method: "POST" })).status).toBe(401);
      expect((await adminPost("/admin/doctors/2147483647/verify")).status).toBe(404);
      expect((await adminPost("/admin/doctors/2147483647/suspend")).status).toBe(404);

      const verified = await adminPost(`/admin/doctors/${dr.id}/verify`);
      const answered = Date.now();
      expect(verified.status).toBe(200);
      expect(await verified.json()).toMatchObject({ id: dr.id, verified: true });
      // Cached reads follow at once, search within a second or two.
      expect((await get(server, `/doctors/get/${dr.id}`)).status).toBe(200);
      expect((await get(server, `/doctors/slot/${dr.id}`)).status).toBe(200);
      expect((await get(server, `/doctors/timings/${dr.id}?days=14`)).status).toBe(200);
      expect((await get(server, `/doctors/${dr.id}/reviews`)).status).toBe(200);
      expect(await lastPageIds("/doctors/all")).toContain(dr.id);
      expect(await eventually(async () => (await searchIds(search)).includes(dr.id), 2_000, 50)).toBe(true);
      console.info(`trust: a verified doctor showed in search ${Date.now() - answered} ms after the answer`);
      expect(await searchIds(`/misc/doctors/search?q=${word}&specialization=cardiologist`)).toContain(dr.id);
      const booked = await post(server, "/patient/new_appointment", user.token, booking);
      expect(booked.status).toBe(201);
      const appointment = (await booked.json()) as { id: number };
      const cancelled = await post(server, "/patient/new_appointment", user.token, {
        ...booking,
        patient_id: p2.id,
      });
      const cancelledId = ((await cancelled.json()) as { id: number }).id;
      expect((await post(server, `/patient/appointment/${cancelledId}/cancel`, user.token, {})).status).toBe(
        200,
      );

      const suspended = await adminPost(`/admin/doctors/${dr.id}/suspend`);
      expect(suspended.status).toBe(200);
      expect(await suspended.json()).toMatchObject({ id: dr.id, verified: false });
      expect((await get(server, `/doctors/get/${dr.id}`)).status).toBe(404);
      expect(await eventually(async () => !(await searchIds(search)).includes(dr.id), 2_000, 50)).toBe(true);
      expect(await hidden()).toEqual(invisible);
      expect(
        (await post(server, "/patient/new_appointment", user.token, { ...booking, patient_id: p2.id }))
          .status,
      ).toBe(404);
      // The owner of the booked appointment is told; the cancelled one is not; the appointment stays.
      const notes = (await (await get(server, "/users/notifications", user.token)).json()) as Page<{
        kind: string;
        appointment_id: number | null;
      }>;
      expect(notes.data.filter((n) => n.kind === "doctor_suspended")).toEqual([
        expect.objectContaining({ kind: "doctor_suspended", appointment_id: appointment.id }),
      ]);
      const history = (await (await get(server, "/patient/appointment/history", user.token)).json()) as Page<{
        id: number;
        status: string;
      }>;
      expect(history.data.find((a) => a.id === appointment.id)?.status).toBe("booked");
      expect(
        (await post(server, `/patient/appointment/${appointment.id}/cancel`, user.token, {})).status,
      ).toBe(200);
      // The doctor still sees (and may edit) its own profile.
      expect(await (await get(server, "/doctors/info", dr.token)).json()).toMatchObject({ verified: false });
    });
  });

  describe("no self-dealing", () => {
    it("refuses a doctor booking its own slot for a patient it invented, waiting for it and rating its visit: 403 own_slot", async () => {
      const dr = await newDoctor(server);
      const slot = await addSlot(server, dr.token, { day: "friday", start: "11:00", num_slots: 1 });
      const invented = await newPatient(server, dr.token, "Invented Patient");
      const date = nextWeekday("friday");
      const body = { slot_id: slot.id, patient_id: invented.id, date };
      const booking = await post(server, "/patient/new_appointment", dr.token, body);
      expect(await problemOf(booking)).toMatchObject({ status: 403, type: "/problems/own_slot" });

      const user = await registerAndSignIn(server);
      const seat = await post(server, "/patient/new_appointment", user.token, {
        ...body,
        patient_id: (await newPatient(server, user.token)).id,
      });
      expect(seat.status).toBe(201);
      const waiting = await post(server, "/patient/waitlist", dr.token, body);
      expect(await problemOf(waiting)).toMatchObject({ status: 403, type: "/problems/own_slot" });

      // A visit of its own patient in its own slot, from before the rule, fulfilled: not rateable by it.
      const visit = await pool.oneFirst(sql.type(z.object({ id: z.number() }))`
        INSERT INTO appointments (patient_id, slot_id, doctor_id, sitting_date, seat, capacity, status)
        VALUES (${invented.id}, ${slot.id}, ${dr.id}, ${nextWeekday("friday", new Date(`${date}T12:00:00Z`))}, 1, 1, 'fulfilled')
        RETURNING id`);
      const rating = await post(server, `/patient/appointment/${visit}/rating`, dr.token, { rating: 5 });
      expect(await problemOf(rating)).toMatchObject({ status: 403, type: "/problems/own_slot" });
      expect(
        await pool.oneFirst(
          sql.type(count)`SELECT count(*)::int AS n FROM ratings WHERE appointment_id = ${visit}`,
        ),
      ).toBe(0);
      // Another doctor may book it like any account.
      const other = await newDoctor(server);
      const slot2 = await addSlot(server, dr.token, { day: "saturday", start: "11:00" });
      const p = await newPatient(server, other.token);
      expect(
        (await post(server, "/patient/new_appointment", other.token, { slot_id: slot2.id, patient_id: p.id }))
          .status,
      ).toBe(201);
    });
  });

  describe("a doctor sees a patient only through a non-cancelled appointment", () => {
    it("loses sight of the patient once the only appointment is cancelled", async () => {
      const dr = await newDoctor(server);
      const slot = await addSlot(server, dr.token, { day: "wednesday", start: "15:00" });
      const user = await registerAndSignIn(server);
      const patient = await newPatient(server, user.token, "Seen Patient");
      const res = await post(server, "/patient/new_appointment", user.token, {
        slot_id: slot.id,
        patient_id: patient.id,
      });
      const appointment = (await res.json()) as { id: number };
      const sight = async () => ({
        list: (
          (await (await get(server, "/doctors/patients?per_page=100", dr.token)).json()) as Page<{
            id: number;
          }>
        ).data.map((p) => p.id),
        ofAppointment: (await get(server, `/doctors/patients/${appointment.id}`, dr.token)).status,
        patient: (await get(server, `/patient/get/${patient.id}`, dr.token)).status,
      });
      expect(await sight()).toEqual({ list: [patient.id], ofAppointment: 200, patient: 200 });
      expect(
        (await post(server, `/patient/appointment/${appointment.id}/cancel`, user.token, {})).status,
      ).toBe(200);
      expect(await sight()).toEqual({ list: [], ofAppointment: 404, patient: 404 });
      // The owner still sees it.
      expect((await get(server, `/patient/get/${patient.id}`, user.token)).status).toBe(200);
    });
  });

  describe("caps", () => {
    it("gives one account at most 3 seats of a sitting: the 4th is 409 limit_reached, and 20 at once give 3", async () => {
      const dr = await newDoctor(server);
      const slot = await addSlot(server, dr.token, { day: "monday", start: "16:00", num_slots: 20 });
      const user = await registerAndSignIn(server);
      const patients = await Promise.all(Array.from({ length: 4 }, () => newPatient(server, user.token)));
      const date = nextWeekday("monday");
      for (const p of patients.slice(0, 3)) {
        const res = await post(server, "/patient/new_appointment", user.token, {
          slot_id: slot.id,
          patient_id: p.id,
          date,
        });
        expect(res.status).toBe(201);
      }
      const fourth = await post(server, "/patient/new_appointment", user.token, {
        slot_id: slot.id,
        patient_id: patients[3]?.id,
        date,
      });
      const problem = await problemOf(fourth);
      expect(problem).toMatchObject({ status: 409, type: "/problems/limit_reached" });
      expect(problem.detail).toMatch(/at most 3 seats per account in one sitting/);

      // 20 bookings at once by one account (its 10 patients, twice each) into one sitting.
      const racer = await registerAndSignIn(server);
      const ten = await Promise.all(Array.from({ length: 10 }, () => newPatient(server, racer.token)));
      const racedDate = nextWeekday("monday", new Date(`${date}T12:00:00Z`));
      const answers = await Promise.all(
        [...ten, ...ten].map((p) =>
          post(server, "/patient/new_appointment", racer.token, {
            slot_id: slot.id,
            patient_id: p.id,
            date: racedDate,
          }),
        ),
      );
      const statuses = answers.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(3);
      expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
      const held = await pool.oneFirst(sql.type(count)`
        SELECT count(*)::int AS n FROM appointments a JOIN patients p ON p.id = a.patient_id
        WHERE a.slot_id = ${slot.id} AND a.sitting_date = ${racedDate} AND a.status <> 'cancelled'
          AND p.user_id = ${racer.user.id}`);
      expect(held).toBe(3);
    });

    it("refuses an 11th patient, also among 20 created at once", async () => {
      const user = await registerAndSignIn(server);
      const create = () => post(server, "/patient/new", user.token, { name: "Kid", age: 5, gender: "other" });
      const answers = await Promise.all(Array.from({ length: 20 }, create));
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([...Array(10).fill(201), ...Array(10).fill(409)]);
      const refused = await problemOf(
        (await Promise.all(answers.filter((r) => r.status === 409)))[0] as Response,
      );
      expect(refused).toMatchObject({ type: "/problems/limit_reached" });
      expect(refused.detail).toMatch(/at most 10 patients per account/);
      expect(
        await pool.oneFirst(
          sql.type(count)`SELECT count(*)::int AS n FROM patients WHERE user_id = ${user.user.id}`,
        ),
      ).toBe(10);
      expect((await create()).status).toBe(409);
    });

    it("holds at most 10 live appointments per account, also among 15 booked at once", async () => {
      const dr = await newDoctor(server);
      const slots = await Promise.all(
        ["monday", "tuesday", "wednesday"].map((day) => addSlot(server, dr.token, { day, start: "07:00" })),
      );
      const user = await registerAndSignIn(server);
      const patient = await newPatient(server, user.token);
      // 15 distinct sittings: three weekdays over five weeks.
      const sittings = slots.flatMap((slot, i) => {
        const day = ["monday", "tuesday", "wednesday"][i] as string;
        const dates: string[] = [];
        let after = new Date();
        for (let w = 0; w < 5; w++) {
          const next = nextWeekday(day, after);
          dates.push(next);
          after = new Date(`${next}T12:00:00Z`);
        }
        return dates.map((date) => ({ slot_id: slot.id, date }));
      });
      const answers = await Promise.all(
        sittings.map((s) =>
          post(server, "/patient/new_appointment", user.token, { ...s, patient_id: patient.id }),
        ),
      );
      const statuses = answers.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(10);
      const refused = await Promise.all(answers.filter((r) => r.status !== 201).map(problemOf));
      expect(refused.map((p) => p.type)).toEqual(Array(5).fill("/problems/limit_reached"));
      expect(refused[0]?.detail).toMatch(/at most 10 live appointments/);
      expect(
        await pool.oneFirst(sql.type(count)`
          SELECT count(*)::int AS n FROM appointments WHERE patient_id = ${patient.id} AND status = 'booked'`),
      ).toBe(10);
    });

    it("refuses an 11th waiting entry of one account", async () => {
      const dr = await newDoctor(server);
      const slots = await Promise.all(
        ["thursday", "friday", "saturday"].map((day) =>
          addSlot(server, dr.token, { day, start: "20:00", num_slots: 1 }),
        ),
      );
      const sittings = slots.flatMap((slot, i) => {
        const day = ["thursday", "friday", "saturday"][i] as string;
        const first = nextWeekday(day);
        const second = nextWeekday(day, new Date(`${first}T12:00:00Z`));
        const third = nextWeekday(day, new Date(`${second}T12:00:00Z`));
        const fourth = nextWeekday(day, new Date(`${third}T12:00:00Z`));
        return [first, second, third, fourth].map((date) => ({ slot_id: slot.id, date }));
      });
      // 12 full sittings, filled by accounts of their own (at most 10 live appointments each).
      const fillers = [await registerAndSignIn(server), await registerAndSignIn(server)];
      for (const [i, s] of sittings.entries()) {
        const filler = fillers[i % 2] as SignedInAccount;
        const p = await newPatient(server, filler.token);
        expect(
          (await post(server, "/patient/new_appointment", filler.token, { ...s, patient_id: p.id })).status,
        ).toBe(201);
      }
      const waiter = await registerAndSignIn(server);
      const patient = await newPatient(server, waiter.token);
      const answers: number[] = [];
      for (const s of sittings.slice(0, 11)) {
        answers.push(
          (await post(server, "/patient/waitlist", waiter.token, { ...s, patient_id: patient.id })).status,
        );
      }
      expect(answers).toEqual([...Array(10).fill(201), 409]);
      const last = await post(server, "/patient/waitlist", waiter.token, {
        ...sittings[11],
        patient_id: patient.id,
      });
      expect((await problemOf(last)).detail).toMatch(/at most 10 waiting entries/);
    });

    it("refuses a doctor's 51st slot, also among 55 added at once", async () => {
      const dr = await newDoctor(server);
      const days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
      const answers = await Promise.all(
        Array.from({ length: 55 }, (_, i) => {
          const minute = 60 + Math.floor(i / 7) * 30;
          const start = `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
          return post(server, "/doctors/add_slot", dr.token, {
            day: days[i % 7],
            start,
            appointment_duration: 10,
            num_slots: 1,
            consultation_fee: 0,
          });
        }),
      );
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([...Array(50).fill(201), ...Array(5).fill(409)]);
      const refused = await problemOf(answers.find((r) => r.status === 409) as Response);
      expect(refused).toMatchObject({ type: "/problems/limit_reached" });
      expect(refused.detail).toMatch(/at most 50 slots per doctor/);
      expect(
        await pool.oneFirst(sql.type(count)`SELECT count(*)::int AS n FROM slots WHERE doctor_id = ${dr.id}`),
      ).toBe(50);
    });
  });
});
