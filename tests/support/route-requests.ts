import { createHash, randomUUID } from "node:crypto";
import { type DatabasePool, sql } from "slonik";
import { PG_POOL } from "../../src/container.js";
import { registerAndSignIn } from "./accounts.js";
import { newDoctor, post } from "./booking.js";
import { pngOf } from "./images.js";
import type { TestServer } from "./server.js";
import type { Role, World } from "./world.js";

/** A request to send, with the caller's token added by the runner (unless `token` is given here). */
export interface PlannedRequest {
  readonly path: string;
  readonly json?: unknown;
  readonly multipart?: { field: string; filename: string; type: string; data: Buffer };
  readonly headers?: Record<string, string>;
  /** A token to use instead of the role's shared one (a request that ends its own session). */
  readonly token?: string;
}

export type RequestBuilder = (ctx: RequestContext, role: Role) => Promise<PlannedRequest> | PlannedRequest;

export interface RequestContext {
  readonly server: TestServer;
  readonly world: World;
  /** Memoizes a fixture that one route needs beyond the world (made once, on first use). */
  once<T>(key: string, make: () => Promise<T>): Promise<T>;
  freshToken(role: Exclude<Role, "anonymous">): Promise<string>;
}

export function multipartBody(
  part: NonNullable<PlannedRequest["multipart"]>,
  boundary = `b-${randomUUID()}`,
) {
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${part.field}"; filename="${part.filename}"\r\n` +
      `Content-Type: ${part.type}\r\n\r\n`,
  );
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([head, part.data, Buffer.from(`\r\n--${boundary}--\r\n`)]),
  };
}

const png = () => pngOf(16, 16);
const daysFromToday = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
let slotCounter = 0;
/** Start times that never overlap: each call gets its own 15-minute window on a Sunday. */
const freshSlotStart = () => {
  const minute = 60 + (slotCounter++ % 80) * 15;
  return `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
};

async function created(res: Response, what: string): Promise<{ id: number }> {
  if (res.status !== 201) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: number };
}

const ownPatient = (ctx: RequestContext, key: string) =>
  ctx.once(`patient:${key}`, async () =>
    created(
      await post(ctx.server, "/patient/new", ctx.world.tokens.user, {
        name: "Fixture",
        age: 40,
        gender: "male",
      }),
      "patient",
    ),
  );

/**
 * A webhook target on loopback's discard port: it is never answered (connections are refused), and the
 * suites that subscribe to it run with WEBHOOK_ALLOW_PRIVATE on.
 */
export const FIXTURE_WEBHOOK_URL = "https://127.0.0.1:9/doctorly-fixture-hook";

const doctorWebhook = (ctx: RequestContext, key: string) =>
  ctx.once(`webhook:${key}`, async () =>
    created(
      await post(ctx.server, "/webhooks", ctx.world.tokens.doctor, {
        url: FIXTURE_WEBHOOK_URL,
        events: ["doctor.updated"],
      }),
      "webhook of the doctor",
    ),
  );

/**
 * A valid request for every route of API.md (implemented or not), made from the world's fixtures: the
 * resources are those of "user" and "doctor", so that other callers try to reach what is not theirs.
 */
export const REQUESTS: Record<string, RequestBuilder> = {
  "POST /auth/get_token": ({ world }, role) => {
    const c = world.credentials[role === "anonymous" ? "user" : role];
    return { path: "/auth/get_token", json: { email: c.email, password: c.password } };
  },
  "PUT /auth/logout": async (ctx, role) => ({
    path: "/auth/logout",
    ...(role === "anonymous" ? {} : { token: await ctx.freshToken(role) }),
  }),
  "POST /users/register": () => ({
    path: "/users/register",
    json: {
      name: "Matrix Registrant",
      email: `matrix-${randomUUID()}@example.test`,
      password: "long enough pw",
    },
  }),
  "GET /users/info": () => ({ path: "/users/info" }),
  "GET /users/notifications": () => ({ path: "/users/notifications" }),

  "POST /doctors/new": () => ({
    path: "/doctors/new",
    json: {
      name: "Matrix New Doctor",
      email: `matrix-dr-${randomUUID()}@example.test`,
      password: "long enough pw",
      description: "GP",
    },
  }),
  "GET /doctors/all": () => ({ path: "/doctors/all?per_page=2" }),
  "GET /doctors/info": () => ({ path: "/doctors/info" }),
  "POST /doctors/image": async () => ({
    path: "/doctors/image",
    multipart: { field: "image", filename: "me.png", type: "image/png", data: await png() },
  }),
  "POST /doctors/add_slot": () => ({
    path: "/doctors/add_slot",
    json: {
      day: "sunday",
      start: freshSlotStart(),
      appointment_duration: 15,
      num_slots: 1,
      consultation_fee: 0,
    },
  }),
  "GET /doctors/patients": () => ({ path: "/doctors/patients" }),
  "GET /doctors/get/{id}": ({ world }) => ({ path: `/doctors/get/${world.doctorId}` }),
  "GET /doctors/slot/{id}": ({ world }) => ({ path: `/doctors/slot/${world.doctorId}` }),
  "GET /doctors/popular/doctors": () => ({ path: "/doctors/popular/doctors" }),
  "GET /doctors/timings/{id}": ({ world }) => ({ path: `/doctors/timings/${world.doctorId}?days=7` }),
  "GET /doctors/patients/{id}": ({ world }) => ({ path: `/doctors/patients/${world.appointmentId}` }),
  "POST /doctors/add_qualifications": () => ({
    path: "/doctors/add_qualifications",
    json: { qualifications: [{ name: "mbbs", procurement_year: "2010-06-01", institute_name: "KEMU" }] },
  }),
  "POST /doctors/add_specializations": () => ({
    path: "/doctors/add_specializations",
    json: { specializations: ["cardiologist"] },
  }),
  // Only the description: a new time zone would be refused for the world doctor's appointments.
  "PATCH /doctors/info": () => ({
    path: "/doctors/info",
    json: { description: "Matrix GP, edited" },
  }),
  // Only the fee: the other routes book the world's slot, whose seats must stay as they are.
  "PATCH /doctors/slots/{id}": ({ world }) => ({
    path: `/doctors/slots/${world.slotId}`,
    json: { consultation_fee: 1200 },
  }),
  // Entries of their own, held by both doctors (each removes its own), apart from what the add routes add.
  "DELETE /doctors/specializations/{name}": async (ctx) => {
    await ctx.once("specialization-to-remove", () =>
      Promise.all(
        [ctx.world.tokens.doctor, ctx.world.tokens.otherDoctor].map(async (token) => {
          const res = await post(ctx.server, "/doctors/add_specializations", token, {
            specializations: ["dermatologist"],
          });
          if (res.status !== 200) throw new Error(`specialization: ${res.status} ${await res.text()}`);
        }),
      ),
    );
    return { path: "/doctors/specializations/Dermatologist" };
  },
  "DELETE /doctors/qualifications/{name}": async (ctx) => {
    await ctx.once("qualification-to-remove", () =>
      Promise.all(
        [ctx.world.tokens.doctor, ctx.world.tokens.otherDoctor].map(async (token) => {
          const res = await post(ctx.server, "/doctors/add_qualifications", token, {
            qualifications: [{ name: "bds", procurement_year: "2012-06-01", institute_name: "KEMU" }],
          });
          if (res.status !== 200) throw new Error(`qualification: ${res.status} ${await res.text()}`);
        }),
      ),
    );
    return { path: "/doctors/qualifications/bds" };
  },
  "GET /doctors/appointments": () => ({ path: "/doctors/appointments" }),
  "POST /doctors/appointments/{id}/status": ({ world }) => ({
    path: `/doctors/appointments/${world.appointmentId}/status`,
    json: { status: "noshow" },
  }),
  "GET /doctors/{id}/reviews": ({ world }) => ({ path: `/doctors/${world.doctorId}/reviews` }),

  "POST /patient/new": () => ({
    path: "/patient/new",
    json: { name: "Matrix Kid", age: 7, gender: "other" },
  }),
  "GET /patient/all": () => ({ path: "/patient/all" }),
  "GET /patient/get/{id}": ({ world }) => ({ path: `/patient/get/${world.patientId}` }),
  "POST /patient/new_appointment": ({ world }) => ({
    path: "/patient/new_appointment",
    json: { slot_id: world.slotId, patient_id: world.secondPatientId },
    headers: { "idempotency-key": `matrix-${randomUUID()}` },
  }),
  "GET /patient/appointment/history": () => ({ path: "/patient/appointment/history" }),
  "GET /patient/appointment/{id}": ({ world }) => ({ path: `/patient/appointment/${world.appointmentId}` }),
  "POST /patient/appointment/{id}/cancel": async (ctx) => {
    const appointment = await ctx.once("appointment-to-cancel", async () => {
      const patient = await ownPatient(ctx, "to-cancel");
      return created(
        await post(ctx.server, "/patient/new_appointment", ctx.world.tokens.user, {
          slot_id: ctx.world.slotId,
          patient_id: patient.id,
        }),
        "booking to cancel",
      );
    });
    return { path: `/patient/appointment/${appointment.id}/cancel` };
  },
  "POST /patient/appointment/{id}/rating": ({ world }) => ({
    path: `/patient/appointment/${world.appointmentId}/rating`,
    json: { rating: 5, review: "kind and on time" },
  }),
  "POST /patient/waitlist": ({ world }) => ({
    path: "/patient/waitlist",
    json: { slot_id: world.fullSlotId, patient_id: world.secondPatientId, date: world.fullDate },
  }),
  "DELETE /patient/waitlist/{id}": async (ctx) => {
    const entry = await ctx.once("waitlist-entry", async () => {
      const patient = await ownPatient(ctx, "waiting");
      return created(
        await post(ctx.server, "/patient/waitlist", ctx.world.tokens.user, {
          slot_id: ctx.world.fullSlotId,
          patient_id: patient.id,
          date: ctx.world.fullDate,
        }),
        "waitlist entry",
      );
    });
    return { path: `/patient/waitlist/${entry.id}` };
  },

  "GET /admin/doctors": () => ({ path: "/admin/doctors?verified=false&per_page=5" }),
  // Doctors of their own: the world's doctors must stay verified for the other routes.
  "POST /admin/doctors/{id}/verify": async (ctx) => {
    const doctor = await ctx.once("doctor-to-verify", () =>
      newDoctor(ctx.server, { name: "Matrix Unverified Doctor", verified: false }),
    );
    return { path: `/admin/doctors/${doctor.id}/verify` };
  },
  "POST /admin/doctors/{id}/suspend": async (ctx) => {
    const doctor = await ctx.once("doctor-to-suspend", () =>
      newDoctor(ctx.server, { name: "Matrix Suspended Doctor" }),
    );
    return { path: `/admin/doctors/${doctor.id}/suspend` };
  },

  // An appointment of its own, moved to the next sitting with a free seat each time.
  "POST /patient/appointment/{id}/reschedule": async (ctx) => {
    const appointment = await ctx.once("appointment-to-move", async () => {
      const patient = await ownPatient(ctx, "to-move");
      return created(
        await post(ctx.server, "/patient/new_appointment", ctx.world.tokens.user, {
          slot_id: ctx.world.slotId,
          patient_id: patient.id,
        }),
        "booking to move",
      );
    });
    return { path: `/patient/appointment/${appointment.id}/reschedule`, json: {} };
  },
  // Far beyond the booking horizon: the world's sittings, which other routes book, stay open.
  "GET /doctors/time_off": () => ({ path: "/doctors/time_off" }),
  "POST /doctors/time_off": () => ({
    path: "/doctors/time_off",
    json: { from: daysFromToday(300), to: daysFromToday(301), reason: "matrix" },
  }),
  "DELETE /doctors/time_off/{id}": async (ctx) => {
    const timeOff = await ctx.once("time-off", async () =>
      created(
        await post(ctx.server, "/doctors/time_off", ctx.world.tokens.doctor, {
          from: daysFromToday(310),
          to: daysFromToday(310),
        }),
        "time off",
      ),
    );
    return { path: `/doctors/time_off/${timeOff.id}` };
  },
  // A slot of its own: the world's slots must keep their sittings for the other routes.
  "DELETE /doctors/slots/{id}": async (ctx) => {
    const slot = await ctx.once("slot-to-retire", async () =>
      created(
        await post(ctx.server, "/doctors/add_slot", ctx.world.tokens.doctor, {
          day: "sunday",
          start: freshSlotStart(),
          appointment_duration: 15,
          num_slots: 1,
          consultation_fee: 0,
        }),
        "slot to retire",
      ),
    );
    return { path: `/doctors/slots/${slot.id}` };
  },
  "POST /doctors/appointments/{id}/cancel": async (ctx) => {
    const appointment = await ctx.once("appointment-the-doctor-cancels", async () => {
      const patient = await ownPatient(ctx, "doctor-cancels");
      return created(
        await post(ctx.server, "/patient/new_appointment", ctx.world.tokens.user, {
          slot_id: ctx.world.slotId,
          patient_id: patient.id,
        }),
        "booking the doctor cancels",
      );
    });
    return { path: `/doctors/appointments/${appointment.id}/cancel`, json: { reason: "matrix" } };
  },

  // Account changes (issue 17). Whatever ends sessions or changes a password runs on an account of its
  // own, so that the world's tokens and passwords keep working for every other route.
  "PUT /users/password": async (ctx, role) => {
    const password = "throwaway password 1";
    if (role === "anonymous") {
      return {
        path: "/users/password",
        json: { current_password: password, new_password: "never set here" },
      };
    }
    const account = await registerAndSignIn(ctx.server, { password });
    return {
      path: "/users/password",
      json: { current_password: password, new_password: `changed ${randomUUID()}` },
      token: account.token,
    };
  },
  // Each caller erases an account of its own, never one of the world's.
  "DELETE /users/info": async (ctx, role) => {
    const password = "throwaway password 2";
    if (role === "anonymous") return { path: "/users/info", json: { password } };
    const account = await registerAndSignIn(ctx.server, { password });
    return { path: "/users/info", json: { password }, token: account.token };
  },
  "GET /auth/sessions": () => ({ path: "/auth/sessions" }),
  "DELETE /auth/sessions": async (ctx, role) => ({
    path: "/auth/sessions",
    ...(role === "anonymous" ? {} : { token: (await registerAndSignIn(ctx.server)).token }),
  }),
  // A session of "user" of its own (not its shared token): others are told it does not exist.
  "DELETE /auth/sessions/{id}": async (ctx) => {
    const session = await ctx.once("session-to-revoke", async () => {
      const token = await ctx.freshToken("user");
      const res = await ctx.server.request("/auth/sessions", {
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.status !== 200) throw new Error(`sessions: ${res.status} ${await res.text()}`);
      const { data } = (await res.json()) as { data: { id: number; current: boolean }[] };
      const current = data.find((s) => s.current);
      if (!current) throw new Error("sessions: no current session");
      return current;
    });
    return { path: `/auth/sessions/${session.id}` };
  },
  "POST /users/notifications/read": () => ({ path: "/users/notifications/read", json: { ids: [1, 2] } }),
  // Patients of their own: the world's patients are booked and asked about by the other routes.
  "PATCH /patient/{id}": async (ctx) => {
    const patient = await ownPatient(ctx, "to-edit");
    return { path: `/patient/${patient.id}`, json: { age: 41, symptoms: "cough" } };
  },
  "DELETE /patient/{id}": async (ctx) => {
    const patient = await ctx.once("patient-to-delete", async () => {
      const own = await ownPatient(ctx, "to-delete");
      // With a seat, so that the delete has a booking to give up.
      await created(
        await post(ctx.server, "/patient/new_appointment", ctx.world.tokens.user, {
          slot_id: ctx.world.slotId,
          patient_id: own.id,
        }),
        "booking of the patient to delete",
      );
      return own;
    });
    return { path: `/patient/${patient.id}` };
  },

  "GET /patient/appointment/{id}/calendar.ics": ({ world }) => ({
    path: `/patient/appointment/${world.appointmentId}/calendar.ics`,
  }),
  "POST /doctors/calendar_feed": () => ({ path: "/doctors/calendar_feed" }),
  // The feed of a doctor of its own, so that the world's doctors asking for a new URL do not revoke it.
  "GET /calendar/doctors/{file}": async (ctx) => {
    const feed = await ctx.once("calendar-feed", async () => {
      const doctor = await newDoctor(ctx.server, { name: "Feed Doctor" });
      const res = await post(ctx.server, "/doctors/calendar_feed", doctor.token, {});
      if (res.status !== 201) throw new Error(`calendar feed: ${res.status} ${await res.text()}`);
      return (await res.json()) as { url: string };
    });
    return { path: new URL(feed.url).pathname };
  },
  "POST /webhooks": () => ({
    path: "/webhooks",
    json: { url: FIXTURE_WEBHOOK_URL, events: ["doctor.updated"] },
  }),
  "GET /webhooks": () => ({ path: "/webhooks" }),
  "DELETE /webhooks/{id}": async (ctx) => ({ path: `/webhooks/${(await doctorWebhook(ctx, "delete")).id}` }),
  "GET /webhooks/{id}/deliveries": async (ctx) => ({
    path: `/webhooks/${(await doctorWebhook(ctx, "deliveries")).id}/deliveries`,
  }),
  // A delivery that used up its attempts, as the workers leave one (no workers run in these suites).
  "POST /webhooks/{id}/deliveries/{event_id}/retry": async (ctx) => {
    const delivery = await ctx.once("webhook:failed-delivery", async () => {
      const webhook = await doctorWebhook(ctx, "retry");
      const eventId = String(9_000_000_000 + webhook.id);
      await ctx.server.runtime.container.get<DatabasePool>(PG_POOL).query(sql.unsafe`
        INSERT INTO webhook_deliveries (webhook_id, event_id, type, payload, attempts, status, last_status_code)
        VALUES (${webhook.id}, ${eventId}, 'doctor.updated', '{}', 12, 'failed', 500)
      `);
      return { webhookId: webhook.id, eventId };
    });
    return { path: `/webhooks/${delivery.webhookId}/deliveries/${delivery.eventId}/retry` };
  },

  // Password resets: an address nobody uses (answered as any other); a token of a throwaway account's
  // reset, written as the mail worker writes it (its digest only), for each caller.
  "POST /auth/password_reset": () => ({
    path: "/auth/password_reset",
    json: { email: `matrix-reset-${randomUUID()}@example.test` },
  }),
  "POST /auth/password_reset/confirm": async (ctx) => {
    const account = await registerAndSignIn(ctx.server);
    const token = `matrix-reset-${randomUUID()}`;
    await ctx.server.runtime.container.get<DatabasePool>(PG_POOL).query(sql.unsafe`
      INSERT INTO password_resets (user_id, token_digest, requested_at, expires_at)
      VALUES (${account.user.id}, ${createHash("sha256").update(token).digest("hex")}, now(),
              now() + interval '30 minutes')
    `);
    return { path: "/auth/password_reset/confirm", json: { token, new_password: `reset ${randomUUID()}` } };
  },

  "GET /misc/qualifications": () => ({ path: "/misc/qualifications" }),
  "GET /problems/{code}": () => ({ path: "/problems/sitting_full" }),
  "GET /misc/specializations": () => ({ path: "/misc/specializations" }),
  "GET /misc/doctors/{name}": () => ({ path: "/misc/doctors/Matrix" }),
  "GET /misc/doctors/specialization/{name}": () => ({ path: "/misc/doctors/specialization/cardiologist" }),
  "GET /misc/doctors/qualification/{name}": () => ({ path: "/misc/doctors/qualification/mbbs" }),
  "GET /misc/doctors/day/{day}": () => ({ path: "/misc/doctors/day/monday" }),
  "GET /misc/doctors/search": () => ({ path: "/misc/doctors/search?q=Matrix&day=monday&sort=rating" }),
  "POST /misc/image/{specialization_id}": async () => ({
    // The last seeded specialization: a picture change is visible to other tests, so always the same one.
    path: "/misc/image/36",
    multipart: { field: "image", filename: "spec.png", type: "image/png", data: await png() },
  }),
  "GET /static/media/{key}": async (ctx) => {
    const key = await ctx.once("media-key", async () => {
      // A doctor of its own: the other rules replace the world doctors' pictures (and delete the old ones).
      const owner = await newDoctor(ctx.server, { name: "Matrix Picture Doctor" });
      const { contentType, body } = multipartBody({
        field: "image",
        filename: "me.png",
        type: "image/png",
        data: await png(),
      });
      const res = await ctx.server.request("/doctors/image", {
        method: "POST",
        headers: { authorization: `Bearer ${owner.token}`, "content-type": contentType },
        body,
      });
      if (res.status !== 200) throw new Error(`upload: ${res.status} ${await res.text()}`);
      const image = ((await res.json()) as { image: string }).image;
      return image.slice(image.indexOf("/static/media/") + "/static/media/".length);
    });
    return { path: `/static/media/${key}` };
  },
};

export function requestContext(server: TestServer, world: World, fresh: RequestContext["freshToken"]) {
  const memo = new Map<string, Promise<unknown>>();
  const ctx: RequestContext = {
    server,
    world,
    freshToken: fresh,
    once<T>(key: string, make: () => Promise<T>) {
      if (!memo.has(key)) memo.set(key, make());
      return memo.get(key) as Promise<T>;
    },
  };
  return ctx;
}

/** Wire form of a planned request: method, path, headers and body, the role's bearer token included. */
export function toRaw(method: string, req: PlannedRequest, token: string | null) {
  const headers: Record<string, string> = { ...req.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | Buffer | undefined;
  if (req.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(req.json);
  } else if (req.multipart) {
    const m = multipartBody(req.multipart);
    headers["content-type"] = m.contentType;
    body = m.body;
  }
  return { method, path: req.path, headers, body };
}
