import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { PG_POOL, startWorkers } from "../../src/container.js";
import { registerAndSignIn } from "../support/accounts.js";
import { addSlot, auth, get, newDoctor, newPatient, patientsOfAccounts, post } from "../support/booking.js";
import { eventually } from "../support/eventually.js";
import { nextWeekday, uniqueWord } from "../support/fixtures.js";
import { startTestServer, type TestServer } from "../support/server.js";

interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
}
interface SlotJson {
  id: number;
  num_slots: number;
  consultation_fee: number;
  end: string;
}
interface DoctorJson {
  id: number;
  name: string;
  description: string;
  timezone: string;
  specializations: { name: string }[];
  qualifications: { name: string }[];
  slots: SlotJson[];
}

describe("doctors change their profile and their slots", () => {
  let server: TestServer;
  let pool: DatabasePool;
  let workers: { close(): Promise<void> };

  const send = (method: string, path: string, token: string, body?: unknown) =>
    server.request(path, {
      method,
      headers: auth(token, body === undefined ? {} : { "content-type": "application/json" }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const patch = (path: string, token: string, body: unknown) => send("PATCH", path, token, body);
  const del = (path: string, token: string) => send("DELETE", path, token);
  const book = (token: string, slotId: number, patientId: number, date: string) =>
    post(server, "/patient/new_appointment", token, { slot_id: slotId, patient_id: patientId, date });
  const outboxOf = (doctorId: number) =>
    pool.anyFirst(sql.type(z.object({ type: z.string() }))`
      SELECT type FROM outbox WHERE (payload->>'doctorId')::int = ${doctorId} ORDER BY id
    `);
  const publicDoctor = async (id: number) =>
    (await (await get(server, `/doctors/get/${id}`)).json()) as DoctorJson;
  const kindsOf = async (token: string) =>
    (
      (await (await get(server, "/users/notifications", token)).json()) as { data: { kind: string }[] }
    ).data.map((n) => n.kind);

  beforeAll(async () => {
    server = await startTestServer();
    pool = server.runtime.container.get<DatabasePool>(PG_POOL);
    workers = startWorkers(server.runtime);
  });
  afterAll(async () => {
    await workers.close();
    await server.close();
  });

  describe("PATCH /doctors/info", () => {
    it("changes only the fields given, at once in the cached public profile, with an event", async () => {
      const dr = await newDoctor(server, { name: "Edit Me", description: "GP" });
      await publicDoctor(dr.id); // cached now
      const res = await patch("/doctors/info", dr.token, {
        name: "  Edited Name ",
        description: "Paediatrics",
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        id: dr.id,
        name: "Edited Name",
        description: "Paediatrics",
        timezone: "UTC",
        verified: true,
      });
      expect(await publicDoctor(dr.id)).toMatchObject({ name: "Edited Name", description: "Paediatrics" });
      expect(await (await get(server, "/users/info", dr.token)).json()).toMatchObject({
        name: "Edited Name",
      });

      const zone = await patch("/doctors/info", dr.token, { timezone: "asia/karachi" });
      expect(await zone.json()).toMatchObject({ name: "Edited Name", timezone: "Asia/Karachi" });
      expect((await outboxOf(dr.id)).filter((t) => t === "DoctorProfileChanged")).toHaveLength(2);
    });

    it("refuses an empty body, a bad time zone and an empty name with 400 naming the field", async () => {
      const dr = await newDoctor(server);
      const empty = await patch("/doctors/info", dr.token, {});
      expect(empty.status).toBe(400);
      expect(((await empty.json()) as Problem).errors?.[0]?.path).toBe("body");
      const zone = await patch("/doctors/info", dr.token, { timezone: "Mars/Base" });
      expect(zone.status).toBe(400);
      expect(((await zone.json()) as Problem).errors).toEqual([
        { path: "timezone", message: "must be an IANA time zone" },
      ]);
      const name = await patch("/doctors/info", dr.token, { name: "   " });
      expect(name.status).toBe(400);
      expect(((await name.json()) as Problem).errors?.map((e) => e.path)).toEqual(["name"]);
      expect((await patch("/doctors/info", dr.token, { description: 5 })).status).toBe(400);
      const user = await registerAndSignIn(server);
      expect((await patch("/doctors/info", user.token, { name: "Not a doctor" })).status).toBe(403);
      expect((await outboxOf(dr.id)).includes("DoctorProfileChanged")).toBe(false);
    });

    it("refuses a new time zone while an appointment is still to come (409), not the same zone spelt otherwise", async () => {
      const dr = await newDoctor(server);
      const slot = await addSlot(server, dr.token, { day: "wednesday", start: "10:00" });
      const user = await registerAndSignIn(server);
      const patient = await newPatient(server, user.token);
      const booked = (await (
        await book(user.token, slot.id, patient.id, nextWeekday("wednesday"))
      ).json()) as {
        id: number;
      };

      const refused = await patch("/doctors/info", dr.token, { timezone: "Europe/Berlin" });
      expect(refused.status).toBe(409);
      expect(refused.headers.get("content-type")).toContain("application/problem+json");
      expect(await refused.json()).toMatchObject({ type: "/problems/future_appointments", status: 409 });
      expect(await publicDoctor(dr.id)).toMatchObject({ timezone: "UTC" });
      // The same zone is no change; other fields still change.
      expect(
        (await patch("/doctors/info", dr.token, { timezone: "utc", description: "Same zone" })).status,
      ).toBe(200);

      expect((await post(server, `/patient/appointment/${booked.id}/cancel`, user.token, {})).status).toBe(
        200,
      );
      const moved = await patch("/doctors/info", dr.token, { timezone: "Europe/Berlin" });
      expect(moved.status).toBe(200);
      expect(await moved.json()).toMatchObject({ timezone: "Europe/Berlin", description: "Same zone" });
    });
  });

  describe("DELETE /doctors/specializations/{name} and /doctors/qualifications/{name}", () => {
    it("removes one held, matched as adding matches; 404 when not held or unknown", async () => {
      const dr = await newDoctor(server);
      expect(
        (
          await post(server, "/doctors/add_specializations", dr.token, {
            specializations: ["cardiologist", "dermatologist"],
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await post(server, "/doctors/add_qualifications", dr.token, {
            qualifications: [
              { name: "mbbs", procurement_year: "2010-06-01", institute_name: "KEMU" },
              { name: "md", procurement_year: "2016-06-01", institute_name: "AKU" },
            ],
          })
        ).status,
      ).toBe(200);
      await publicDoctor(dr.id); // cached now

      const spec = await del(`/doctors/specializations/${encodeURIComponent(" Cardiologist ")}`, dr.token);
      expect(spec.status).toBe(200);
      expect(((await spec.json()) as DoctorJson).specializations.map((s) => s.name)).toEqual([
        "dermatologist",
      ]);
      const again = await del("/doctors/specializations/cardiologist", dr.token);
      expect(again.status).toBe(404);
      expect(await again.json()).toMatchObject({ type: "/problems/specialization_not_held" });
      expect((await del("/doctors/specializations/astrologer", dr.token)).status).toBe(404);

      const qual = await del("/doctors/qualifications/MBBS", dr.token);
      expect(qual.status).toBe(200);
      expect(await qual.json()).toMatchObject({
        qualifications: [{ name: "md" }],
        experience: expect.any(Number),
      });
      const gone = await del("/doctors/qualifications/mbbs", dr.token);
      expect(gone.status).toBe(404);
      expect(await gone.json()).toMatchObject({ type: "/problems/qualification_not_held" });
      expect((await del("/doctors/qualifications/bds", dr.token)).status).toBe(404);

      const seen = await publicDoctor(dr.id);
      expect(seen.specializations.map((s) => s.name)).toEqual(["dermatologist"]);
      expect(seen.qualifications.map((q) => q.name)).toEqual(["md"]);
      expect((await outboxOf(dr.id)).filter((t) => t === "DoctorProfileChanged")).toHaveLength(2);
    });
  });

  it("shows each edit in search within 2 s: the new name, a specialization gone, the new fee", async () => {
    const [before, after] = [uniqueWord("Q"), uniqueWord("Q")];
    const dr = await newDoctor(server, { name: `Search ${before}` });
    await post(server, "/doctors/add_specializations", dr.token, { specializations: ["cardiologist"] });
    const slot = await addSlot(server, dr.token, { day: "monday", start: "09:00", consultation_fee: 700 });
    const found = (query: string) => async () =>
      (
        (await (await get(server, `/misc/doctors/search?${query}`)).json()) as { data: { id: number }[] }
      ).data.some((d) => d.id === dr.id);
    expect(await eventually(found(`q=${before}&specialization=cardiologist&max_fee=700`), 2_000, 50)).toBe(
      true,
    );

    expect((await patch("/doctors/info", dr.token, { name: `Search ${after}` })).status).toBe(200);
    expect((await del("/doctors/specializations/cardiologist", dr.token)).status).toBe(200);
    expect((await patch(`/doctors/slots/${slot.id}`, dr.token, { consultation_fee: 900 })).status).toBe(200);
    // Three edits, three events: each may be projected a moment after the other, all within 2 s.
    const allSeen = async () =>
      (await found(`q=${after}&max_fee=900`)()) &&
      !(await found(`q=${before}`)()) &&
      !(await found(`q=${after}&specialization=cardiologist`)()) &&
      !(await found(`q=${after}&max_fee=700`)());
    expect(await eventually(allSeen, 2_000, 50)).toBe(true);
    expect(await found(`q=${before}`)()).toBe(false);
    expect(await found(`q=${after}&specialization=cardiologist`)()).toBe(false);
    expect(await found(`q=${after}&max_fee=700`)()).toBe(false);
  });

  describe("PATCH /doctors/slots/{id}", () => {
    it("changes the fee and the seats, at once in the cached slots; refuses what it cannot change", async () => {
      const dr = await newDoctor(server);
      const other = await newDoctor(server);
      const slot = await addSlot(server, dr.token, { day: "monday", start: "09:00", num_slots: 4 });
      await addSlot(server, dr.token, { day: "monday", start: "11:00", num_slots: 4 });
      await get(server, `/doctors/slot/${dr.id}`); // cached now

      const fee = await patch(`/doctors/slots/${slot.id}`, dr.token, { consultation_fee: 2500 });
      expect(fee.status).toBe(200);
      expect(await fee.json()).toMatchObject({
        id: slot.id,
        consultation_fee: 2500,
        num_slots: 4,
        end: "10:00",
      });
      const seats = await patch(`/doctors/slots/${slot.id}`, dr.token, { num_slots: 8 });
      expect(await seats.json()).toMatchObject({ num_slots: 8, end: "11:00", consultation_fee: 2500 });
      const listed = (await (await get(server, `/doctors/slot/${dr.id}`)).json()) as { data: SlotJson[] };
      expect(listed.data.find((s) => s.id === slot.id)).toMatchObject({
        num_slots: 8,
        consultation_fee: 2500,
      });
      expect((await outboxOf(dr.id)).filter((t) => t === "SlotChanged")).toHaveLength(2);

      // Into the 11:00 slot, and past midnight.
      const overlap = await patch(`/doctors/slots/${slot.id}`, dr.token, { num_slots: 9 });
      expect(overlap.status).toBe(409);
      expect(await overlap.json()).toMatchObject({ type: "/problems/slot_overlap" });
      const late = await addSlot(server, dr.token, { day: "friday", start: "23:00", num_slots: 2 });
      const midnight = await patch(`/doctors/slots/${late.id}`, dr.token, { num_slots: 5 });
      expect(midnight.status).toBe(400);
      expect(await midnight.json()).toMatchObject({ type: "/problems/slot_past_midnight" });
      expect((await patch(`/doctors/slots/${late.id}`, dr.token, { num_slots: 4 })).status).toBe(200);

      for (const body of [
        { day: "tuesday" },
        { start: "08:00", num_slots: 5 },
        { appointment_duration: 20 },
      ]) {
        const res = await patch(`/doctors/slots/${slot.id}`, dr.token, body);
        expect(res.status).toBe(400);
        const problem = (await res.json()) as Problem;
        expect(problem.errors?.[0]?.path).toBe(Object.keys(body)[0]);
        expect(problem.errors?.[0]?.message).toContain("retire the slot and add another");
      }
      for (const body of [
        {},
        { num_slots: 0 },
        { num_slots: 201 },
        { consultation_fee: -1 },
        { num_slots: 2.5 },
      ]) {
        expect((await patch(`/doctors/slots/${slot.id}`, dr.token, body)).status).toBe(400);
      }

      // Another doctor's slot, an unknown one and a retired one are not there.
      expect((await patch(`/doctors/slots/${slot.id}`, other.token, { consultation_fee: 1 })).status).toBe(
        404,
      );
      expect((await patch("/doctors/slots/2147483647", dr.token, { consultation_fee: 1 })).status).toBe(404);
      await pool.query(sql.unsafe`UPDATE slots SET retired_from = CURRENT_DATE WHERE id = ${late.id}`);
      const retired = await patch(`/doctors/slots/${late.id}`, dr.token, { consultation_fee: 1 });
      expect(retired.status).toBe(404);
      expect(await retired.json()).toMatchObject({ type: "/problems/slot_not_found" });

      const slotRow = await pool.one(sql.type(
        z.object({ num_slots: z.number(), consultation_fee: z.number() }),
      )`
        SELECT num_slots, consultation_fee FROM slots WHERE id = ${slot.id}
      `);
      expect(slotRow).toEqual({ num_slots: 8, consultation_fee: 2500 });
    });

    it("refuses to go below a seat held in an upcoming sitting, naming each seat and date (409)", async () => {
      const dr = await newDoctor(server);
      const slot = await addSlot(server, dr.token, { day: "tuesday", start: "09:00", num_slots: 6 });
      const first = nextWeekday("tuesday");
      const second = nextWeekday("tuesday", new Date(`${first}T12:00:00Z`));
      const patients = await patientsOfAccounts(server, 4);
      for (const [i, p] of patients.entries()) {
        expect((await book(p.token, slot.id, p.id, i < 3 ? first : second)).status).toBe(201);
      }
      // Seats 1–3 on the first date, seat 1 on the second; seat 2 on the first is freed.
      const seat2 = await pool.oneFirst(sql.type(z.object({ id: z.number() }))`
        SELECT id FROM appointments WHERE slot_id = ${slot.id} AND sitting_date = ${first} AND seat = 2
      `);
      const holder = patients[1] as { token: string };
      expect((await post(server, `/patient/appointment/${seat2}/cancel`, holder.token, {})).status).toBe(200);

      const cut = await patch(`/doctors/slots/${slot.id}`, dr.token, { num_slots: 2 });
      expect(cut.status).toBe(409);
      expect(await cut.json()).toMatchObject({
        type: "/problems/seats_held",
        errors: [{ path: "num_slots", message: `seat 3 is held on ${first}` }],
      });
      const zero = await patch(`/doctors/slots/${slot.id}`, dr.token, { num_slots: 1 });
      expect(((await zero.json()) as Problem).errors).toEqual([
        { path: "num_slots", message: `seat 3 is held on ${first}` },
      ]);
      expect((await outboxOf(dr.id)).includes("SlotChanged")).toBe(false);
      const timings = (await (
        await get(server, `/doctors/timings/${dr.id}?from=${first}&days=1`)
      ).json()) as {
        data: { capacity: number }[];
      };
      expect(timings.data[0]?.capacity).toBe(6);

      const ok = await patch(`/doctors/slots/${slot.id}`, dr.token, { num_slots: 3 });
      expect(ok.status).toBe(200);
      const after = (await (await get(server, `/doctors/timings/${dr.id}?from=${first}&days=1`)).json()) as {
        data: { capacity: number; booked: number; available: number }[];
      };
      expect(after.data[0]).toMatchObject({ capacity: 3, booked: 2, available: 1 });
    });

    it("seats the entries waiting for full sittings into new seats, first joined first, each owner told", async () => {
      const dr = await newDoctor(server);
      const slot = await addSlot(server, dr.token, { day: "thursday", start: "09:00", num_slots: 2 });
      const date = nextWeekday("thursday");
      const [h1, h2, w1, w2, w3] = await patientsOfAccounts(server, 5, 1);
      if (!h1 || !h2 || !w1 || !w2 || !w3) throw new Error("patients");
      for (const h of [h1, h2]) expect((await book(h.token, slot.id, h.id, date)).status).toBe(201);
      for (const w of [w1, w2, w3]) {
        const res = await post(server, "/patient/waitlist", w.token, {
          slot_id: slot.id,
          patient_id: w.id,
          date,
        });
        expect(res.status).toBe(201);
      }

      const raised = await patch(`/doctors/slots/${slot.id}`, dr.token, { num_slots: 4 });
      expect(raised.status).toBe(200);
      expect(await raised.json()).toMatchObject({ num_slots: 4, end: "10:00" });

      const seats = await pool.any(sql.type(
        z.object({ patient_id: z.number(), seat: z.number(), capacity: z.number() }),
      )`
        SELECT patient_id, seat, capacity FROM appointments
        WHERE slot_id = ${slot.id} AND sitting_date = ${date} AND status <> 'cancelled' ORDER BY seat
      `);
      expect(seats.map((s) => [s.patient_id, s.seat])).toEqual([
        [h1.id, 1],
        [h2.id, 2],
        [w1.id, 3],
        [w2.id, 4],
      ]);
      expect(seats.every((s) => s.seat <= s.capacity)).toBe(true);
      const entries = await pool.any(sql.type(z.object({ patient_id: z.number(), status: z.string() }))`
        SELECT patient_id, status FROM waitlist_entries WHERE slot_id = ${slot.id} ORDER BY id
      `);
      expect(entries.map((e) => [e.patient_id, e.status])).toEqual([
        [w1.id, "booked"],
        [w2.id, "booked"],
        [w3.id, "waiting"],
      ]);
      expect(await kindsOf(w1.token)).toEqual(["moved_from_waitlist"]);
      expect(await kindsOf(w2.token)).toEqual(["moved_from_waitlist"]);
      expect(await kindsOf(w3.token)).toEqual([]);
      const history = (await (await get(server, "/patient/appointment/history", w2.token)).json()) as {
        data: { status: string; seat: number; date: string; expected_local_time: string }[];
      };
      expect(history.data).toMatchObject([{ status: "booked", seat: 4, date, expected_local_time: "09:45" }]);
      const timings = (await (await get(server, `/doctors/timings/${dr.id}?from=${date}&days=1`)).json()) as {
        data: { capacity: number; booked: number; available: number }[];
      };
      expect(timings.data[0]).toMatchObject({ capacity: 4, booked: 4, available: 0 });
      expect(await outboxOf(dr.id)).toEqual(
        expect.arrayContaining(["AppointmentBooked", "AppointmentBooked", "SlotChanged"]),
      );
    });

    it("never leaves a seat above the capacity nor a seat twice when a cut races 20 bookings of one sitting", async () => {
      const dr = await newDoctor(server);
      const date = nextWeekday("saturday");
      const patients = await patientsOfAccounts(server, 20);
      const integrity = z.object({
        above: z.number(),
        twice: z.number(),
        live: z.number(),
        num_slots: z.number(),
      });
      const outcomes = { cut: 0, refused: 0 };
      for (const [round, start] of ["08:00", "14:00"].entries()) {
        const slot = await addSlot(server, dr.token, { day: "saturday", start, num_slots: 20 });
        const cutTo = 5 + round;
        // First round: the cut is sent first and the bookings follow it a millisecond apart (they race
        // its transaction, and usually lose); second round: the cut a moment after the bookings (which
        // usually win, and the cut is refused).
        const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
        const [cut, ...bookings] = await Promise.all([
          (async () => {
            if (round === 1) await pause(10);
            return patch(`/doctors/slots/${slot.id}`, dr.token, { num_slots: cutTo });
          })(),
          ...patients.map(async (p, i) => {
            if (round === 0) await pause(2 + i);
            return book(p.token, slot.id, p.id, date);
          }),
        ]);
        if (!cut) throw new Error("no cut");
        expect([200, 409]).toContain(cut.status);
        if (cut.status === 200) outcomes.cut++;
        else {
          outcomes.refused++;
          expect(await cut.json()).toMatchObject({ type: "/problems/seats_held" });
        }
        for (const b of bookings) expect([201, 409]).toContain(b.status);

        const row = await pool.one(sql.type(integrity)`
          SELECT
            (SELECT count(*)::int FROM appointments a WHERE a.slot_id = s.id AND a.status <> 'cancelled'
               AND a.seat > s.num_slots) AS above,
            (SELECT count(*)::int FROM (SELECT seat FROM appointments a WHERE a.slot_id = s.id
               AND a.status <> 'cancelled' GROUP BY a.sitting_date, seat HAVING count(*) > 1) d) AS twice,
            (SELECT count(*)::int FROM appointments a WHERE a.slot_id = s.id AND a.status <> 'cancelled') AS live,
            s.num_slots
          FROM slots s WHERE s.id = ${slot.id}
        `);
        expect(row.above).toBe(0);
        expect(row.twice).toBe(0);
        expect(row.live).toBe(bookings.filter((b) => b.status === 201).length);
        expect(row.num_slots).toBe(cut.status === 200 ? cutTo : 20);
        expect(row.live).toBeLessThanOrEqual(row.num_slots);
      }
      expect(outcomes.cut + outcomes.refused).toBe(2);
    });

    it("never gives a seat twice when a raise races bookings and waiting entries of a full sitting", async () => {
      const dr = await newDoctor(server);
      const date = nextWeekday("sunday");
      const slot = await addSlot(server, dr.token, { day: "sunday", start: "09:00", num_slots: 2 });
      const [h1, h2, ...rest] = await patientsOfAccounts(server, 12);
      if (!h1 || !h2) throw new Error("patients");
      for (const h of [h1, h2]) expect((await book(h.token, slot.id, h.id, date)).status).toBe(201);
      const waiters = rest.slice(0, 4);
      for (const w of waiters) {
        const res = await post(server, "/patient/waitlist", w.token, {
          slot_id: slot.id,
          patient_id: w.id,
          date,
        });
        expect(res.status).toBe(201);
      }
      const bookers = rest.slice(4);
      const [raise, ...bookings] = await Promise.all([
        patch(`/doctors/slots/${slot.id}`, dr.token, { num_slots: 8 }),
        ...bookers.map((p) => book(p.token, slot.id, p.id, date)),
      ]);
      expect(raise?.status).toBe(200);
      for (const b of bookings) expect([201, 409]).toContain(b.status);
      const seats = await pool.anyFirst(sql.type(z.object({ seat: z.number() }))`
        SELECT seat FROM appointments
        WHERE slot_id = ${slot.id} AND sitting_date = ${date} AND status <> 'cancelled' ORDER BY seat
      `);
      expect(new Set(seats).size).toBe(seats.length);
      expect(seats.every((s) => s >= 1 && s <= 8)).toBe(true);
      // The raise came first or after some bookings: either way every waiting entry that a seat was
      // opened for holds one, and nobody waits while a seat is free.
      const waiting = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`
        SELECT count(*)::int AS n FROM waitlist_entries
        WHERE slot_id = ${slot.id} AND sitting_date = ${date} AND status = 'waiting'
      `);
      if (seats.length < 8) expect(waiting).toBe(0);
      expect(seats.length).toBe(2 + bookings.filter((b) => b.status === 201).length + (4 - waiting));
    });
  });
});
