import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCTOR_SEARCH_INDEX, type DoctorSearchIndex } from "../../../src/ports/doctor-search.js";
import {
  leakIn,
  type OpenApiDocument,
  type OperationRef,
  problemShapeErrors,
  productOperations,
  ResponseValidator,
} from "../../support/openapi.js";
import { rawRequest } from "../../support/raw-http.js";
import { REQUESTS, requestContext, toRaw } from "../../support/route-requests.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { buildWorld, freshToken, type Role, type World } from "../../support/world.js";

type Expected = "ok" | number | readonly (number | "ok")[];
type Rule = Record<Role, Expected>;

const anyone: Rule = {
  anonymous: "ok",
  user: "ok",
  otherUser: "ok",
  doctor: "ok",
  otherDoctor: "ok",
  admin: "ok",
};
const bearer: Rule = {
  anonymous: 401,
  user: "ok",
  otherUser: "ok",
  doctor: "ok",
  otherDoctor: "ok",
  admin: "ok",
};
const doctorOnly: Rule = {
  anonymous: 401,
  user: 403,
  otherUser: 403,
  doctor: "ok",
  otherDoctor: "ok",
  admin: 403,
};
const adminOnly: Rule = {
  anonymous: 401,
  user: 403,
  otherUser: 403,
  doctor: 403,
  otherDoctor: 403,
  admin: "ok",
};
const doctorOrAdmin: Rule = { ...doctorOnly, admin: "ok" };
/** The webhook is "doctor"'s: another doctor and an admin are told it does not exist. */
const doctorsWebhook: Rule = { ...doctorOrAdmin, otherDoctor: 404, admin: 404 };
/** The resource belongs to "user": every other signed-in caller is told it does not exist. */
const ownerOnly = (owner: Expected): Rule => ({
  anonymous: 401,
  user: owner,
  otherUser: 404,
  doctor: 404,
  otherDoctor: 404,
  admin: 404,
});

/**
 * Who may call what, from API.md's "who" column, for every route of API.md (implemented or not). The
 * fixtures are "user"'s patients and appointment with "doctor"; the others try to reach them.
 */
const RULES: Record<string, Rule> = {
  "POST /auth/get_token": anyone,
  "PUT /auth/logout": bearer,
  "POST /users/register": anyone,
  "GET /users/info": bearer,
  "GET /users/notifications": bearer,

  "POST /doctors/new": anyone,
  "GET /doctors/all": anyone,
  "GET /doctors/info": doctorOnly,
  "POST /doctors/image": doctorOnly,
  "POST /doctors/add_slot": doctorOnly,
  "GET /doctors/patients": doctorOnly,
  "GET /doctors/get/{id}": anyone,
  "GET /doctors/slot/{id}": anyone,
  "GET /doctors/popular/doctors": anyone,
  "GET /doctors/timings/{id}": anyone,
  // The appointment is with "doctor"; another doctor is told it does not exist.
  "GET /doctors/patients/{id}": { ...doctorOnly, otherDoctor: 404 },
  "POST /doctors/add_qualifications": doctorOnly,
  "POST /doctors/add_specializations": doctorOnly,
  "PATCH /doctors/info": doctorOnly,
  // The slot is "doctor"'s; another doctor is told it does not exist.
  "PATCH /doctors/slots/{id}": { ...doctorOnly, otherDoctor: 404 },
  "DELETE /doctors/specializations/{name}": doctorOnly,
  "DELETE /doctors/qualifications/{name}": doctorOnly,
  "GET /doctors/appointments": doctorOnly,
  // "doctor" may change it, but not to noshow before the sitting has started: 409, not 401/403/404.
  "POST /doctors/appointments/{id}/status": { ...doctorOnly, doctor: 409, otherDoctor: 404 },
  "GET /doctors/{id}/reviews": anyone,

  "POST /patient/new": bearer,
  "GET /patient/all": bearer,
  // An admin may see any patient, and a doctor a patient with an appointment with them.
  "GET /patient/get/{id}": { ...ownerOnly("ok"), doctor: "ok", admin: "ok" },
  // The patient in the body is "user"'s.
  "POST /patient/new_appointment": ownerOnly("ok"),
  "GET /patient/appointment/history": bearer,
  "POST /patient/appointment/{id}/cancel": ownerOnly("ok"),
  // The owner may rate only a fulfilled appointment: 409 for this booked one, 404 for everyone else.
  "POST /patient/appointment/{id}/rating": ownerOnly(409),
  "POST /patient/waitlist": ownerOnly("ok"),
  "DELETE /patient/waitlist/{id}": ownerOnly("ok"),

  "GET /admin/doctors": adminOnly,
  "POST /admin/doctors/{id}/verify": adminOnly,
  "POST /admin/doctors/{id}/suspend": adminOnly,

  "POST /patient/appointment/{id}/reschedule": ownerOnly("ok"),
  "GET /doctors/time_off": doctorOnly,
  "POST /doctors/time_off": doctorOnly,
  // The time off, the slot and the appointment are "doctor"'s; another doctor is told they do not exist.
  "DELETE /doctors/time_off/{id}": { ...doctorOnly, otherDoctor: 404 },
  "DELETE /doctors/slots/{id}": { ...doctorOnly, otherDoctor: 404 },
  "POST /doctors/appointments/{id}/cancel": { ...doctorOnly, otherDoctor: 404 },

  // Each caller changes the password of, or signs out everywhere, an account of its own.
  "PUT /users/password": bearer,
  "DELETE /users/info": bearer,
  "GET /auth/sessions": bearer,
  "DELETE /auth/sessions": bearer,
  // The session is "user"'s; every other caller is told it does not exist.
  "DELETE /auth/sessions/{id}": ownerOnly("ok"),
  "POST /users/notifications/read": bearer,
  // Patients of "user"'s own, made for these two (the world's patients stay for the other routes).
  "PATCH /patient/{id}": ownerOnly("ok"),
  "DELETE /patient/{id}": ownerOnly("ok"),

  // Calendars: the invite of "user"'s appointment; a feed URL of one's own; a feed to anyone holding its secret path.
  "GET /patient/appointment/{id}/calendar.ics": ownerOnly("ok"),
  "POST /doctors/calendar_feed": doctorOnly,
  "GET /calendar/doctors/{file}": anyone,
  "POST /webhooks": doctorOrAdmin,
  "GET /webhooks": doctorOrAdmin,
  "DELETE /webhooks/{id}": doctorsWebhook,
  "GET /webhooks/{id}/deliveries": doctorsWebhook,
  "POST /webhooks/{id}/deliveries/{event_id}/retry": doctorsWebhook,
  "POST /auth/password_reset": anyone,
  "POST /auth/password_reset/confirm": anyone,

  "GET /misc/qualifications": anyone,
  "GET /problems/{code}": anyone,
  "GET /patient/appointment/{id}": ownerOnly("ok"),
  "GET /misc/specializations": anyone,
  "GET /misc/doctors/{name}": anyone,
  "GET /misc/doctors/specialization/{name}": anyone,
  "GET /misc/doctors/qualification/{name}": anyone,
  "GET /misc/doctors/day/{day}": anyone,
  "GET /misc/doctors/search": anyone,
  "POST /misc/image/{specialization_id}": adminOnly,
  "GET /static/media/{key}": anyone,
};

/** Owners go last, so that a success that changes state (cancel, logout) comes after the refusals. */
const ORDER: readonly Role[] = ["anonymous", "otherUser", "otherDoctor", "admin", "doctor", "user"];

const matches = (expected: Expected, status: number): boolean =>
  Array.isArray(expected)
    ? expected.some((e) => matches(e, status))
    : expected === "ok"
      ? status >= 200 && status < 300
      : status === expected;

describe("authorization matrix: every operation of /openapi.json × every kind of caller", () => {
  let server: TestServer;
  let doc: OpenApiDocument;
  let world: World;

  beforeAll(async () => {
    // The webhook fixtures subscribe a loopback URL that is never called (no workers run here).
    server = await startTestServer({ WEBHOOK_ALLOW_PRIVATE: "true" });
    doc = (await (await server.request("/openapi.json")).json()) as OpenApiDocument;
    world = await buildWorld(server);
    // Search answers from the index; make sure it exists in the shared test Redis (idempotent).
    const index = server.runtime.container.get<DoctorSearchIndex>(DOCTOR_SEARCH_INDEX);
    await index.ensureIndex();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("has a rule and a valid request for every operation in the document", () => {
    const ops = productOperations(doc).map((o) => o.key);
    expect(ops.filter((k) => !(k in RULES))).toEqual([]);
    expect(ops.filter((k) => !(k in REQUESTS))).toEqual([]);
  });

  it("answers each caller as the rules say, with documented, leak-free answers", async () => {
    const validator = new ResponseValidator(doc);
    const ctx = requestContext(server, world, (role) => freshToken(server, world, role));
    const failures: string[] = [];
    const check = async (op: OperationRef, role: Role) => {
      const rule = RULES[op.key];
      const build = REQUESTS[op.key];
      if (!rule || !build) return;
      const planned = await build(ctx, role);
      const token = role === "anonymous" ? null : (planned.token ?? world.tokens[role]);
      const answer = await rawRequest(server.baseUrl, toRaw(op.method, planned, token));
      const where = `${op.key} as ${role}`;
      if (!matches(rule[role], answer.status)) {
        failures.push(
          `${where}: expected ${String(rule[role])}, got ${answer.status} ${answer.body.slice(0, 200)}`,
        );
      }
      const leak = leakIn(answer.body);
      if (leak) failures.push(`${where}: body contains "${leak}"`);
      failures.push(...problemShapeErrors(answer).map((e) => `${where}: ${e}`));
      failures.push(...validator.check(op, answer).map((e) => `${where}: ${e}`));
      // Every create says where the created thing is (a file-like resource, a calendar feed, with its extension).
      if (answer.status === 201 && !/^\/[\w/]+(\.\w+)?$/.test(String(answer.headers.location ?? ""))) {
        failures.push(`${where}: 201 without a Location path (${String(answer.headers.location)})`);
      }
    };
    // Operations are independent of each other (each builds its own fixtures); roles run in ORDER.
    await Promise.all(
      productOperations(doc).map(async (op) => {
        for (const role of ORDER) await check(op, role);
      }),
    );
    expect(failures).toEqual([]);
  });
});
