import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { PG_POOL } from "../../src/container.js";
import { addSlot, get, newDoctor, patientsOfAccounts, post } from "../support/booking.js";
import { addDays, nextWeekday } from "../support/fixtures.js";
import { startTestServer, type TestServer } from "../support/server.js";

interface Appointment {
  id: number;
  status: string;
  date: string;
  seat: number;
  slot: { id: number };
  expected_time: string;
  rescheduled_from: { slot_id: number; date: string; seat: number } | null;
}

describe("rescheduling an appointment: an atomic move that keeps its id", () => {
  let server: TestServer;
  let pool: DatabasePool;
  beforeAll(async () => {
    server = await startTestServer();
    pool = server.runtime.container.get<DatabasePool>(PG_POOL);
  });
  afterAll(async () => {
    await server.close();
  });

  const book = async (token: string, slotId: number, patientId: number, date: string) => {
    const res = await post(server, "/patient/new_appointment", token, {
      slot_id: slotId,
      patient_id: patientId,
      date,
    });
    expect(res.status).toBe(201);
    return (await res.json()) as Appointment;
  };
  const reschedule = (token: string, id: number, body: unknown, headers = {}) =>
    post(server, `/patient/appointment/${id}/reschedule`, token, body, headers);
  const codeOf = async (res: Response) => ((await res.json()) as { type: string }).type.split("/").pop();
  const kinds = async (token: string) =>
    (
      (await (await get(server, "/users/notifications", token)).json()) as { data: { kind: string }[] }
    ).data.map((n) => n.kind);
  /** Seats held twice or beyond capacity in any sitting of the slot: both must be empty. */
  const integrity = async (slotId: number) => {
    const twice = await pool.anyFirst(sql.type(z.object({ k: z.string() }))`
      SELECT sitting_date || '/' || seat AS k FROM appointments
      WHERE slot_id = ${slotId} AND status <> 'cancelled' GROUP BY sitting_date, seat HAVING count(*) > 1
    `);
    const over = await pool.anyFirst(sql.type(z.object({ k: z.string() }))`
      SELECT a.sitting_date::text AS k FROM appointments a JOIN slots s ON s.id = a.slot_id
      WHERE a.slot_id = ${slotId} AND a.status <> 'cancelled' AND a.seat > s.num_slots
    `);
    return { twice, over };
  };

  it("moves to another date and slot of the same doctor, hands the old seat on, tells the owner, replays a key", async () => {
    const dr = await newDoctor(server);
    // The move goes to the first Tuesday from tomorrow, from the Wednesday after it; the Tuesday slot
    // starts at 00:00, so that on a Tuesday today's sitting has started: "the earliest other sitting" is
    // then a week after the target, whatever day the suite runs.
    const wednesday = await addSlot(server, dr.token, { day: "wednesday", start: "09:00", num_slots: 1 });
    const tuesday = await addSlot(server, dr.token, { day: "tuesday", start: "00:00", num_slots: 3 });
    const date = addDays(nextWeekday("tuesday"), 1);
    const [mover, waiting] = await patientsOfAccounts(server, 2, 1);
    if (!mover || !waiting) throw new Error("two patients");
    const made = await book(mover.token, wednesday.id, mover.id, date);
    expect(
      (
        await post(server, "/patient/waitlist", waiting.token, {
          slot_id: wednesday.id,
          patient_id: waiting.id,
          date,
        })
      ).status,
    ).toBe(201);

    const target = addDays(date, -1);
    const res = await reschedule(
      mover.token,
      made.id,
      { slot_id: tuesday.id, date: target },
      { "idempotency-key": "mv-1" },
    );
    expect(res.status).toBe(200);
    const moved = (await res.json()) as Appointment;
    expect(moved).toMatchObject({
      id: made.id,
      status: "booked",
      date: target,
      seat: 1,
      slot: { id: tuesday.id },
      rescheduled_from: { slot_id: wednesday.id, date, seat: 1 },
    });
    expect(moved.expected_time).toBe(`${target}T00:00:00.000Z`);
    expect(await kinds(mover.token)).toContain("moved");
    // The old seat went to the one waiting.
    expect(await kinds(waiting.token)).toContain("moved_from_waitlist");
    const history = (await (await get(server, "/patient/appointment/history", waiting.token)).json()) as {
      data: Appointment[];
    };
    expect(history.data[0]).toMatchObject({ date, seat: 1, slot: { id: wednesday.id }, status: "booked" });

    // The same key replays the first answer; another body with it is refused.
    const replay = await reschedule(
      mover.token,
      made.id,
      { slot_id: tuesday.id, date: target },
      { "idempotency-key": "mv-1" },
    );
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as Appointment).date).toBe(target);
    const reused = await reschedule(
      mover.token,
      made.id,
      { slot_id: tuesday.id },
      { "idempotency-key": "mv-1" },
    );
    expect(reused.status).toBe(409);

    // Without a date: the earliest other sitting with a free seat, of its own slot by default.
    const again = (await (await reschedule(mover.token, made.id, {})).json()) as Appointment;
    expect(again).toMatchObject({ id: made.id, slot: { id: tuesday.id }, date: addDays(target, 7) });
    expect(again.rescheduled_from).toEqual({ slot_id: tuesday.id, date: target, seat: 1 });
  });

  it("refuses a move that cannot be made and leaves the appointment as it was", async () => {
    const dr = await newDoctor(server);
    const slot = await addSlot(server, dr.token, { day: "wednesday", start: "09:00", num_slots: 1 });
    const other = await newDoctor(server);
    const foreign = await addSlot(server, other.token, { day: "wednesday", start: "09:00" });
    const date = nextWeekday("wednesday");
    const [p, q] = await patientsOfAccounts(server, 2, 1);
    if (!p || !q) throw new Error("two patients");
    const mine = await book(p.token, slot.id, p.id, date);
    await book(q.token, slot.id, q.id, addDays(date, 7));

    const full = await reschedule(p.token, mine.id, { date: addDays(date, 7) });
    expect(full.status).toBe(409);
    expect(await codeOf(full)).toBe("sitting_full");
    const same = await reschedule(p.token, mine.id, { date });
    expect(same.status).toBe(409);
    expect(await codeOf(same)).toBe("same_sitting");
    expect((await reschedule(p.token, mine.id, { date: addDays(date, 1) })).status).toBe(400);
    expect((await reschedule(p.token, mine.id, { date: addDays(date, 7 * 60) })).status).toBe(400);
    expect((await reschedule(p.token, mine.id, { slot_id: foreign.id })).status).toBe(400);
    expect((await reschedule(p.token, mine.id, { slot_id: 2_147_483_647 })).status).toBe(404);
    expect((await reschedule(p.token, mine.id, { date: "not a date" })).status).toBe(400);
    expect((await reschedule(q.token, mine.id, {})).status).toBe(404);
    const closed = await post(server, "/doctors/time_off", dr.token, {
      from: addDays(date, 14),
      to: addDays(date, 14),
    });
    expect(closed.status).toBe(201);
    const refused = await reschedule(p.token, mine.id, { date: addDays(date, 14) });
    expect(await codeOf(refused)).toBe("sitting_closed");

    const unchanged = (await (
      await get(server, `/patient/appointment/${mine.id}`, p.token)
    ).json()) as Appointment;
    expect(unchanged).toMatchObject({ date, seat: 1, status: "booked", rescheduled_from: null });
    expect((await post(server, `/patient/appointment/${mine.id}/cancel`, p.token, {})).status).toBe(200);
    const cancelled = await reschedule(p.token, mine.id, {});
    expect(cancelled.status).toBe(409);
    expect(await codeOf(cancelled)).toBe("illegal_transition");
  });

  it("two reschedules into the last free seat: one wins, the other is unchanged", async () => {
    const dr = await newDoctor(server);
    const slot = await addSlot(server, dr.token, { day: "thursday", start: "09:00", num_slots: 2 });
    const date = nextWeekday("thursday");
    const target = addDays(date, 7);
    const [a, b, c] = await patientsOfAccounts(server, 3, 1);
    if (!a || !b || !c) throw new Error("three patients");
    const [ma, mb] = [await book(a.token, slot.id, a.id, date), await book(b.token, slot.id, b.id, date)];
    await book(c.token, slot.id, c.id, target);
    const answers = await Promise.all([
      reschedule(a.token, ma.id, { date: target }),
      reschedule(b.token, mb.id, { date: target }),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const loser = answers[0]?.status === 409 ? { p: a, m: ma } : { p: b, m: mb };
    expect(
      await get(server, `/patient/appointment/${loser.m.id}`, loser.p.token).then((r) => r.json()),
    ).toMatchObject({ date, seat: loser.m.seat, rescheduled_from: null });
    expect(await integrity(slot.id)).toEqual({ twice: [], over: [] });
  });

  it("appointments swapping sittings at once both finish; a move races a cancel and a booking of its target", async () => {
    const dr = await newDoctor(server);
    const friday = await addSlot(server, dr.token, { day: "friday", start: "09:00", num_slots: 2 });
    const saturday = await addSlot(server, dr.token, { day: "saturday", start: "09:00", num_slots: 2 });
    const [fri, sat] = [nextWeekday("friday"), nextWeekday("saturday")];
    const patients = await patientsOfAccounts(server, 13, 1);
    const at = (i: number) => {
      const p = patients[i];
      if (!p) throw new Error("patients");
      return p;
    };
    // Pairs of accounts swapping: one from a Friday to a Saturday, one the other way, all at once.
    const swaps = [];
    for (let i = 0; i < 4; i++) {
      const [x, y] = [at(2 * i), at(2 * i + 1)];
      const [friDate, satDate] = [addDays(fri, 7 * i), addDays(sat, 7 * i)];
      const xa = await book(x.token, friday.id, x.id, friDate);
      const ya = await book(y.token, saturday.id, y.id, satDate);
      swaps.push({ x, y, xa, ya, friDate, satDate });
    }
    const answers = await Promise.all(
      swaps.flatMap(({ x, y, xa, ya, friDate, satDate }) => [
        reschedule(x.token, xa.id, { slot_id: saturday.id, date: satDate }),
        reschedule(y.token, ya.id, { slot_id: friday.id, date: friDate }),
      ]),
    );
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    for (const { x, y, xa, ya, friDate, satDate } of swaps) {
      expect(await get(server, `/patient/appointment/${xa.id}`, x.token).then((r) => r.json())).toMatchObject(
        {
          date: satDate,
          slot: { id: saturday.id },
        },
      );
      expect(await get(server, `/patient/appointment/${ya.id}`, y.token).then((r) => r.json())).toMatchObject(
        {
          date: friDate,
          slot: { id: friday.id },
        },
      );
    }

    // A move racing a cancel of the same appointment: exactly one of them takes effect.
    const m = at(8);
    const mine = await book(m.token, friday.id, m.id, addDays(fri, 28));
    const [moved, cancelled] = await Promise.all([
      reschedule(m.token, mine.id, { date: addDays(fri, 35) }),
      post(server, `/patient/appointment/${mine.id}/cancel`, m.token, {}),
    ]);
    const after = (await (
      await get(server, `/patient/appointment/${mine.id}`, m.token)
    ).json()) as Appointment;
    if (moved.status === 200) {
      expect(cancelled.status).toBe(409);
      expect(after).toMatchObject({ status: "booked", date: addDays(fri, 35) });
    } else {
      expect([moved.status, cancelled.status]).toEqual([409, 200]);
      expect(after).toMatchObject({ status: "cancelled", date: addDays(fri, 28) });
    }

    // A move racing a booking of the last free seat of its target: one gets it, the other 409.
    const last = addDays(sat, 42);
    const [n, o, r] = [at(9), at(10), at(11)];
    await book(r.token, saturday.id, r.id, last);
    const hers = await book(n.token, friday.id, n.id, addDays(fri, 49));
    const [mv, bk] = await Promise.all([
      reschedule(n.token, hers.id, { slot_id: saturday.id, date: last }),
      post(server, "/patient/new_appointment", o.token, {
        slot_id: saturday.id,
        patient_id: o.id,
        date: last,
      }),
    ]);
    expect([
      [200, 409],
      [409, 201],
    ]).toContainEqual([mv.status, bk.status]);
    expect(await integrity(friday.id)).toEqual({ twice: [], over: [] });
    expect(await integrity(saturday.id)).toEqual({ twice: [], over: [] });
  });

  it("deleting a patient while its appointment is rescheduled: the patient ends with no live seat anywhere", async () => {
    const dr = await newDoctor(server);
    const slot = await addSlot(server, dr.token, { day: "sunday", start: "09:00", num_slots: 2 });
    const date = nextWeekday("sunday");
    const patients = await patientsOfAccounts(server, 5, 1);
    for (const [i, p] of patients.entries()) {
      const made = await book(p.token, slot.id, p.id, date);
      const [moved, deleted] = await Promise.all([
        reschedule(p.token, made.id, { date: addDays(date, 7 * (1 + (i % 3))) }),
        server.request(`/patient/${p.id}`, {
          method: "DELETE",
          headers: { authorization: `Bearer ${p.token}` },
        }),
      ]);
      expect(deleted.status).toBe(204);
      expect([200, 404, 409]).toContain(moved.status);
      const live = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`
        SELECT count(*)::int AS n FROM appointments WHERE patient_id = ${p.id} AND status <> 'cancelled'
      `);
      expect(live).toBe(0);
    }
    expect(await integrity(slot.id)).toEqual({ twice: [], over: [] });
  });
});
