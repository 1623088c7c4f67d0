import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { buildHttpApp, PG_POOL } from "../../src/container.js";
import { registerAndSignIn } from "../support/accounts.js";
import { addSlot, get, newDoctor, post } from "../support/booking.js";
import { RecordingLogger } from "../support/fakes/accounts.js";
import { nextWeekday } from "../support/fixtures.js";
import { startTestServer, type TestServer } from "../support/server.js";

interface Appointment {
  id: number;
  expected_time: string;
}

/** The value of every `NAME:` line of an iCalendar text, in order (lines are short enough not to fold). */
const field = (ics: string, name: string) =>
  ics
    .split("\r\n")
    .filter((l) => l.startsWith(`${name}:`))
    .map((l) => l.slice(name.length + 1));
const events = (ics: string) => ics.split("\r\n").filter((l) => l === "BEGIN:VEVENT").length;
const icsTime = (iso: string) => iso.replace(/[-:]/g, "").replace(/\.\d{3}/, "");

describe("calendars: an appointment's invite and a doctor's secret feed", () => {
  let server: TestServer;
  let pool: DatabasePool;

  beforeAll(async () => {
    server = await startTestServer();
    pool = server.runtime.container.get<DatabasePool>(PG_POOL);
  });
  afterAll(async () => {
    await server.close();
  });

  /** A doctor with a Wednesday slot and one booked appointment of a patient named in full, with symptoms. */
  async function booked() {
    const dr = await newDoctor(server, { name: "Dr Calendar Test", timezone: "Europe/Berlin" });
    const slot = await addSlot(server, dr.token, {
      day: "wednesday",
      start: "09:00",
      appointment_duration: 20,
      num_slots: 4,
    });
    const owner = await registerAndSignIn(server);
    const patient = (await (
      await post(server, "/patient/new", owner.token, {
        name: "Marguerite Zolotareva",
        age: 41,
        gender: "female",
        symptoms: "persistent migraine",
      })
    ).json()) as { id: number };
    const res = await post(server, "/patient/new_appointment", owner.token, {
      slot_id: slot.id,
      patient_id: patient.id,
      date: nextWeekday("wednesday"),
    });
    expect(res.status).toBe(201);
    return { dr, owner, appointment: (await res.json()) as Appointment };
  }

  it("gives the owner one VEVENT for a booked appointment, and a CANCEL with the same UID once cancelled", async () => {
    const { owner, appointment } = await booked();
    const path = `/patient/appointment/${appointment.id}/calendar.ics`;
    const res = await get(server, path, owner.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    const ics = await res.text();
    expect(ics.startsWith("BEGIN:VCALENDAR")).toBe(true);
    expect(events(ics)).toBe(1);
    const uid = `appointment-${appointment.id}@doctorly.test`;
    expect(field(ics, "UID")).toEqual([uid]);
    expect(field(ics, "METHOD")).toEqual(["REQUEST"]);
    expect(field(ics, "STATUS")).toEqual(["CONFIRMED"]);
    expect(field(ics, "DTSTART")).toEqual([icsTime(appointment.expected_time)]);
    expect(field(ics, "SUMMARY")[0]).toContain("Dr Calendar Test");
    expect(ics).not.toContain("migraine");
    const sequence = Number(field(ics, "SEQUENCE")[0]);

    expect(
      (await post(server, `/patient/appointment/${appointment.id}/cancel`, owner.token, {})).status,
    ).toBe(200);
    const cancelled = await (await get(server, path, owner.token)).text();
    expect(events(cancelled)).toBe(1);
    expect(field(cancelled, "UID")).toEqual([uid]);
    expect(field(cancelled, "METHOD")).toEqual(["CANCEL"]);
    expect(field(cancelled, "STATUS")).toEqual(["CANCELLED"]);
    expect(Number(field(cancelled, "SEQUENCE")[0])).toBeGreaterThan(sequence);
  });

  it("answers another account's or an unknown appointment 404, and no bearer 401", async () => {
    const { appointment } = await booked();
    const other = await registerAndSignIn(server);
    for (const id of [appointment.id, 2_000_000_000]) {
      const res = await get(server, `/patient/appointment/${id}/calendar.ics`, other.token);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    expect((await get(server, `/patient/appointment/${appointment.id}/calendar.ics`)).status).toBe(401);
  });

  it("gives the doctor a secret feed URL on PUBLIC_BASE_URL that lists the patient by seat and first name only", async () => {
    const { dr, appointment } = await booked();
    const res = await post(server, "/doctors/calendar_feed", dr.token, {});
    expect(res.status).toBe(201);
    const { url } = (await res.json()) as { url: string };
    expect(new URL(url).origin).toBe("http://doctorly.test");
    expect(url).toMatch(/^http:\/\/doctorly\.test\/calendar\/doctors\/[a-z2-7]{40}\.ics$/);

    const feed = await server.request(new URL(url).pathname);
    expect(feed.status).toBe(200);
    expect(feed.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    const ics = await feed.text();
    expect(field(ics, "SUMMARY")).toContain("Seat 1: Marguerite");
    expect(ics).not.toContain("Zolotareva");
    expect(ics).not.toContain("migraine");
    const mine = ics.split("BEGIN:VEVENT").find((e) => e.includes(`UID:appointment-${appointment.id}@`));
    expect(mine).toContain(`DTSTART:${icsTime(appointment.expected_time)}`);
    // The sitting itself is there too, with its count.
    expect(field(ics, "SUMMARY")).toContain("Sitting: 1 of 4 booked");

    // The token is kept only as its SHA-256: neither it nor the URL is in the table.
    const token = (/\/([a-z2-7]+)\.ics$/.exec(url) as RegExpExecArray)[1] as string;
    const stored = await pool.one(sql.type(z.object({ digest: z.string(), matches: z.boolean() }))`
      SELECT token_digest AS digest, token_digest = encode(sha256(convert_to(${token}, 'UTF8')), 'hex') AS matches
      FROM calendar_feeds WHERE doctor_id = ${dr.id}
    `);
    expect(stored.matches).toBe(true);
    expect(stored.digest).not.toContain(token);
    const mentions = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT count(*)::int AS n FROM calendar_feeds c WHERE row_to_json(c)::text LIKE ${`%${token}%`}
    `);
    expect(mentions).toBe(0);
  });

  it("replaces the feed URL on a second call: the first then answers 404", async () => {
    const { dr } = await booked();
    const first = (
      (await (await post(server, "/doctors/calendar_feed", dr.token, {})).json()) as { url: string }
    ).url;
    const second = (
      (await (await post(server, "/doctors/calendar_feed", dr.token, {})).json()) as { url: string }
    ).url;
    expect(second).not.toBe(first);
    const old = await server.request(new URL(first).pathname);
    expect(old.status).toBe(404);
    expect(((await old.json()) as { type: string }).type).toContain("calendar_feed_not_found");
    expect((await server.request(new URL(second).pathname)).status).toBe(200);
  });

  it("keeps the feed's token out of the request log, and the answer names the feed as Location", async () => {
    const { dr } = await booked();
    const logger = new RecordingLogger();
    const app = buildHttpApp({ ...server.runtime, logger });
    const res = await app.request("/doctors/calendar_feed", {
      method: "POST",
      headers: { authorization: `Bearer ${dr.token}` },
    });
    expect(res.status).toBe(201);
    const { url } = (await res.json()) as { url: string };
    expect(res.headers.get("location")).toBe(new URL(url).pathname);
    expect((await app.request(new URL(url).pathname)).status).toBe(200);
    const token = (/\/([a-z2-7]+)\.ics$/.exec(url) as RegExpExecArray)[1] as string;
    const logged = JSON.stringify(logger.lines);
    expect(logged).toContain("/calendar/doctors/{file}");
    expect(logged).not.toContain(token);
  });

  it("ends a doctor's feed when the doctor erases its account", async () => {
    const { dr } = await booked();
    const { url } = (await (await post(server, "/doctors/calendar_feed", dr.token, {})).json()) as {
      url: string;
    };
    expect((await server.request(new URL(url).pathname)).status).toBe(200);
    const erased = await server.request("/users/info", {
      method: "DELETE",
      headers: { authorization: `Bearer ${dr.token}`, "content-type": "application/json" },
      body: JSON.stringify({ password: "a long enough password" }),
    });
    expect(erased.status).toBe(204);
    expect((await server.request(new URL(url).pathname)).status).toBe(404);
  });

  it("answers junk and unknown feed names 404, never 500, and only doctors get a feed", async () => {
    for (const name of [
      "x.ics",
      `${"a".repeat(40)}.ics`,
      `${"a".repeat(300)}.ics`,
      "%00.ics",
      "abc",
      "..%2F.ics",
    ]) {
      const res = await server.request(`/calendar/doctors/${name}`);
      expect(res.status, name).toBe(404);
    }
    const patient = await registerAndSignIn(server);
    expect((await post(server, "/doctors/calendar_feed", patient.token, {})).status).toBe(403);
    expect((await server.request("/doctors/calendar_feed", { method: "POST" })).status).toBe(401);
  });
});
