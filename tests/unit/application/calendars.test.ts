import { describe, expect, it } from "vitest";
import { IcalCalendarWriter } from "../../../src/adapters/calendar/calendar.ical.js";
import { CalendarQueries, firstNameOf } from "../../../src/application/queries/calendar/calendar.queries.js";
import type { AppointmentReadModel, AppointmentRow } from "../../../src/ports/appointment.read-model.js";
import type { CalendarFeedStore } from "../../../src/ports/calendar-feed.store.js";
import type { Closures, DoctorReadModel, DoctorRow } from "../../../src/ports/doctor.read-model.js";
import type { SessionTokens } from "../../../src/ports/token.js";
import { FixedClock } from "../../support/fakes/unit-of-work.js";

// Monday 7 December 2026, 08:00 UTC; the doctor's Monday slot runs 09:00–10:00 UTC in 15-minute seats.
const NOW = new Date("2026-12-07T08:00:00Z");
const slot = {
  id: 5,
  doctorId: 3,
  day: "monday",
  startMinute: 540,
  appointmentDuration: 15,
  numSlots: 4,
  consultationFee: 1000,
} as const;
const doctor: DoctorRow = {
  id: 3,
  name: "Dr Ada Lee",
  description: "",
  imageKey: null,
  timeZone: "UTC",
  verified: true,
  earliestProcurement: null,
  rating: null,
  ratingCount: 0,
  noOfPatients: 0,
  specializations: [],
  qualifications: [],
  slots: [slot],
};

const appointment = (over: Partial<AppointmentRow> = {}): AppointmentRow => ({
  id: 42,
  status: "booked",
  patient: { id: 9, userId: 100, name: "Sara Amira Khan", age: 34, gender: "female", symptoms: "fever" },
  doctor: { id: 3, name: "Dr Ada Lee", timeZone: "UTC" },
  slot,
  date: "2026-12-07",
  seat: 2,
  createdAt: NOW,
  cancelledBy: null,
  cancellationReason: null,
  rescheduledFrom: null,
  calendarSequence: 0,
  ...over,
});

const tokens: SessionTokens = { issue: () => "t".repeat(40), digest: (t) => `digest-of-${t}` };

function queries(rows: AppointmentRow[], closures: Closures = { timeOff: [], retiredSlots: [] }) {
  const appointments = {
    findById: async (id: number) => rows.find((r) => r.id === id) ?? null,
  } as unknown as AppointmentReadModel;
  const doctors = {
    findByIds: async (ids: readonly number[]) => (ids.includes(doctor.id) ? [doctor] : []),
    closuresBetween: async () => closures,
  } as unknown as DoctorReadModel;
  const feeds: CalendarFeedStore = {
    replace: async () => {},
    doctorOf: async (digest) => (digest === tokens.digest("secret-token-of-the-doctor") ? doctor.id : null),
    liveAppointmentsBetween: async () => rows.filter((r) => r.status !== "cancelled"),
  };
  return new CalendarQueries(
    appointments,
    doctors,
    feeds,
    tokens,
    new IcalCalendarWriter(() => NOW),
    new FixedClock(NOW),
    { host: "doctorly.test", horizonDays: 14 },
  );
}

const lines = (ics: string) => ics.split("\r\n");
const field = (ics: string, name: string) =>
  lines(ics)
    .filter((l) => l.startsWith(`${name}:`))
    .map((l) => l.slice(name.length + 1));
const owner = { userId: 100, role: "user" } as const;

describe("an appointment as an iCalendar invite", () => {
  it("is one REQUEST event with a stable UID, the expected time, the doctor's name and no symptoms", async () => {
    const result = await queries([appointment()]).appointmentInvite(owner, 42);
    if (!result.ok) throw new Error(result.error.code);
    const ics = result.value;
    expect(field(ics, "METHOD")).toEqual(["REQUEST"]);
    expect(lines(ics).filter((l) => l === "BEGIN:VEVENT")).toHaveLength(1);
    expect(field(ics, "UID")).toEqual(["appointment-42@doctorly.test"]);
    expect(field(ics, "SEQUENCE")).toEqual(["0"]);
    expect(field(ics, "DTSTART")).toEqual(["20261207T091500Z"]);
    expect(field(ics, "DTEND")).toEqual(["20261207T093000Z"]);
    expect(field(ics, "STATUS")).toEqual(["CONFIRMED"]);
    expect(field(ics, "SUMMARY")[0]).toContain("Dr Ada Lee");
    expect(ics).not.toContain("fever");
  });

  it("carries the appointment's change counter as SEQUENCE; a cancelled one is a CANCEL", async () => {
    const moved = { slotId: 5, date: "2026-11-30", seat: 1 };
    const rows = [
      appointment({ id: 1, rescheduledFrom: moved, calendarSequence: 1 }),
      appointment({ id: 2, status: "cancelled", cancelledBy: "patient", calendarSequence: 1 }),
      appointment({
        id: 3,
        status: "cancelled",
        cancelledBy: "doctor",
        rescheduledFrom: moved,
        calendarSequence: 3,
      }),
    ];
    const q = queries(rows);
    const ics = async (id: number) => {
      const r = await q.appointmentInvite(owner, id);
      if (!r.ok) throw new Error(r.error.code);
      return r.value;
    };
    const [first, second, third] = await Promise.all([ics(1), ics(2), ics(3)]);
    expect([first, second, third].map((t) => field(t, "SEQUENCE")[0])).toEqual(["1", "1", "3"]);
    expect(field(first, "METHOD")).toEqual(["REQUEST"]);
    for (const cancelled of [second, third]) {
      expect(field(cancelled, "METHOD")).toEqual(["CANCEL"]);
      expect(field(cancelled, "STATUS")).toEqual(["CANCELLED"]);
    }
    expect(field(third, "UID")).toEqual(["appointment-3@doctorly.test"]);
  });

  it("answers another account's appointment as missing", async () => {
    const result = await queries([appointment()]).appointmentInvite({ userId: 101, role: "user" }, 42);
    expect(result).toMatchObject({ ok: false, error: { code: "appointment_not_found" } });
  });
});

describe("a doctor's calendar feed", () => {
  it("lists the sittings and the appointments by seat and first name only", async () => {
    const result = await queries([appointment()]).doctorFeed("secret-token-of-the-doctor");
    if (!result.ok) throw new Error(result.error.code);
    const ics = result.value;
    expect(field(ics, "METHOD")).toEqual(["PUBLISH"]);
    expect(field(ics, "SUMMARY")).toContain("Seat 2: Sara");
    expect(field(ics, "SUMMARY")).toContain("Sitting: 1 of 4 booked");
    expect(field(ics, "UID")).toContain("appointment-42@doctorly.test");
    expect(field(ics, "UID")).toContain("sitting-5-2026-12-07@doctorly.test");
    // Today and the next two Mondays within the 14-day horizon.
    expect(field(ics, "UID").filter((u) => u.startsWith("sitting-"))).toHaveLength(3);
    expect(ics).not.toContain("Khan");
    expect(ics).not.toContain("Amira");
    expect(ics).not.toContain("fever");
  });

  it("marks a sitting closed by time off as cancelled", async () => {
    const closures: Closures = {
      timeOff: [{ id: 1, doctorId: 3, from: "2026-12-14", to: "2026-12-14", reason: "conference" }],
      retiredSlots: [],
    };
    const result = await queries([], closures).doctorFeed("secret-token-of-the-doctor");
    if (!result.ok) throw new Error(result.error.code);
    const events = result.value.split("BEGIN:VEVENT").slice(1);
    const closed = events.find((e) => e.includes("UID:sitting-5-2026-12-14@doctorly.test")) ?? "";
    expect(closed).toContain("STATUS:CANCELLED");
    expect(closed).toContain("SUMMARY:Sitting closed: conference");
    const open = events.find((e) => e.includes("UID:sitting-5-2026-12-07@doctorly.test")) ?? "";
    expect(open).toContain("STATUS:CONFIRMED");
  });

  it("answers an unknown token as a missing feed", async () => {
    expect(await queries([]).doctorFeed("some-other-token")).toMatchObject({
      ok: false,
      error: { code: "calendar_feed_not_found" },
    });
  });

  it("takes the first word of a name", () => {
    expect(firstNameOf("  Sara  Khan ")).toBe("Sara");
    expect(firstNameOf("Mononym")).toBe("Mononym");
  });
});
