import { createHash, randomUUID } from "node:crypto";
import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PG_POOL } from "../../src/container.js";
import { bearer, registerAndSignIn, type SignedInAccount, signIn } from "../support/accounts.js";
import { addSlot, get, newDoctor, newPatient, post } from "../support/booking.js";
import { randomLoopback, rawRequest } from "../support/raw-http.js";
import { startTestServer, type TestServer } from "../support/server.js";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

interface SessionJson {
  id: number;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  current: boolean;
}

interface NotificationPageJson {
  data: { id: number; kind: string; read_at: string | null }[];
  total: number;
  unread: number;
}

describe("accounts change their data: password, sessions, notifications read", () => {
  let server: TestServer;
  let pool: DatabasePool;
  beforeAll(async () => {
    server = await startTestServer();
    pool = server.runtime.container.get<DatabasePool>(PG_POOL);
  });
  afterAll(async () => {
    await server.close();
  });

  /** PUT /users/password from `from` (an address of the test's own, for the sign-in limits). */
  const changePassword = (token: string, body: unknown, from = randomLoopback()) =>
    rawRequest(server.baseUrl, {
      method: "PUT",
      path: "/users/password",
      headers: { ...bearer(token), "content-type": "application/json" },
      body: JSON.stringify(body),
      localAddress: from,
    });
  const signInFrom = (email: string, password: string, from = randomLoopback()) =>
    rawRequest(server.baseUrl, {
      method: "POST",
      path: "/auth/get_token",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
      localAddress: from,
    });
  const infoStatus = async (token: string) => (await get(server, "/users/info", token)).status;
  const sessionsOf = async (token: string) => {
    const res = await get(server, "/auth/sessions", token);
    expect(res.status).toBe(200);
    return ((await res.json()) as { data: SessionJson[] }).data;
  };
  const del = (path: string, token: string) =>
    server.request(path, { method: "DELETE", headers: bearer(token) });

  describe("PUT /users/password", () => {
    it("changes the password: the old one fails, the new one signs in; other sessions end, the caller's stays", async () => {
      const me = await registerAndSignIn(server);
      const laptop = await signIn(server, me.email, me.password);
      const tablet = await signIn(server, me.email, me.password);
      const newPassword = `new ${randomUUID()}`;

      const res = await changePassword(me.token, {
        current_password: me.password,
        new_password: newPassword,
      });
      expect(res.status, res.body).toBe(204);

      expect(await infoStatus(me.token)).toBe(200);
      expect(await infoStatus(laptop)).toBe(401);
      expect(await infoStatus(tablet)).toBe(401);
      expect((await signInFrom(me.email, me.password)).status).toBe(401);
      const fresh = await signInFrom(me.email, newPassword);
      expect(fresh.status).toBe(200);
      expect(await infoStatus((JSON.parse(fresh.body) as { token: string }).token)).toBe(200);
      // Only the caller's session (and the new one) are listed.
      expect((await sessionsOf(me.token)).map((s) => s.current).sort()).toEqual([false, true]);
    });

    it("answers a wrong current password 401 and changes nothing", async () => {
      const me = await registerAndSignIn(server);
      const other = await signIn(server, me.email, me.password);
      const res = await changePassword(me.token, {
        current_password: "not it at all",
        new_password: "whatever new one",
      });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({
        status: 401,
        type: expect.stringContaining("wrong_password"),
      });
      expect(await infoStatus(other)).toBe(200);
      expect(await infoStatus(me.token)).toBe(200);
      expect((await signInFrom(me.email, me.password)).status).toBe(200);
    });

    it("refuses a new password outside the registration rule with 400 naming new_password", async () => {
      const me = await registerAndSignIn(server);
      for (const newPassword of ["short", "x".repeat(129), "password1", "Password1"]) {
        const res = await changePassword(me.token, {
          current_password: me.password,
          new_password: newPassword,
        });
        expect(res.status, newPassword).toBe(400);
        const problem = JSON.parse(res.body) as { errors: { path: string }[] };
        expect(problem.errors.map((e) => e.path)).toEqual(["new_password"]);
      }
      const missing = await changePassword(me.token, { current_password: me.password });
      expect(missing.status).toBe(400);
      expect(missing.body).toContain("new_password");
      expect((await signInFrom(me.email, me.password)).status).toBe(200);
    });

    it("counts wrong current passwords as failed sign-ins: after 10 the client is refused (429 with Retry-After), for sign-in too", async () => {
      const me = await registerAndSignIn(server);
      const from = randomLoopback();
      for (let i = 0; i < 10; i++) {
        const res = await changePassword(
          me.token,
          { current_password: `guess ${i}`, new_password: "a new password" },
          from,
        );
        expect(res.status).toBe(401);
      }
      const refused = await changePassword(
        me.token,
        { current_password: me.password, new_password: "a new password" },
        from,
      );
      expect(refused.status).toBe(429);
      expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
      const signInRefused = await signInFrom(me.email, me.password, from);
      expect(signInRefused.status).toBe(429);
      // The owner from another address is not locked out.
      const elsewhere = await changePassword(me.token, {
        current_password: me.password,
        new_password: "a new password",
      });
      expect(elsewhere.status).toBe(204);
    });

    it("refuses anonymous callers with 401", async () => {
      const res = await server.request("/users/password", {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ current_password: "x", new_password: "yyyyyyyyyy" }),
      });
      expect(res.status).toBe(401);
    });
  });

  describe("sessions", () => {
    let me: SignedInAccount;
    let second: string;
    let third: string;
    beforeAll(async () => {
      me = await registerAndSignIn(server);
      second = await signIn(server, me.email, me.password);
      third = await signIn(server, me.email, me.password);
    });

    it("lists the live sessions, the caller's marked current, with no token or hash, no-store", async () => {
      const res = await get(server, "/auth/sessions", second);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toContain("no-store");
      const text = await res.text();
      for (const token of [me.token, second, third]) {
        expect(text).not.toContain(token);
        expect(text).not.toContain(sha256(token));
      }
      const { data } = JSON.parse(text) as { data: SessionJson[] };
      expect(data).toHaveLength(3);
      expect(data.filter((s) => s.current)).toHaveLength(1);
      for (const s of data) {
        expect(Object.keys(s).sort()).toEqual(["created_at", "current", "expires_at", "id", "last_used_at"]);
        expect(Date.parse(s.last_used_at)).toBeGreaterThanOrEqual(Date.parse(s.created_at));
        expect(Date.parse(s.expires_at)).toBeGreaterThan(Date.now());
      }
      // Another token of the account marks another session current.
      const fromThird = await sessionsOf(third);
      expect(fromThird.find((s) => s.current)?.id).not.toBe(data.find((s) => s.current)?.id);
    });

    it("shows when a session was last used, recorded at most once a minute", async () => {
      const current = (await sessionsOf(third)).find((s) => s.current) as SessionJson;
      // As if the session had last been used an hour ago (written behind the back of this process's
      // session cache, which remembers it as just used: another process, one that does not remember it,
      // serves the next request).
      await pool.query(
        sql.unsafe`UPDATE sessions SET last_used_at = now() - interval '1 hour' WHERE id = ${current.id}`,
      );
      const hourAgo = (await sessionsOf(second)).find((s) => s.id === current.id) as SessionJson;
      expect(Date.now() - Date.parse(hourAgo.last_used_at)).toBeGreaterThan(59 * 60_000);
      // A request with it records the use; the next ones within the minute write nothing new.
      const other = await startTestServer();
      const otherStatus = async (token: string) => (await get(other, "/users/info", token)).status;
      expect(await otherStatus(third)).toBe(200);
      await other.close();
      const used = (await sessionsOf(second)).find((s) => s.id === current.id) as SessionJson;
      expect(Date.now() - Date.parse(used.last_used_at)).toBeLessThan(30_000);
      expect(await infoStatus(third)).toBe(200);
      const again = (await sessionsOf(second)).find((s) => s.id === current.id) as SessionJson;
      expect(again.last_used_at).toBe(used.last_used_at);
    });

    it("revokes one of the caller's sessions; its token answers 401, the others keep working", async () => {
      const victim = await signIn(server, me.email, me.password);
      const id = (await sessionsOf(victim)).find((s) => s.current)?.id as number;
      expect((await del(`/auth/sessions/${id}`, me.token)).status).toBe(204);
      expect(await infoStatus(victim)).toBe(401);
      expect(await infoStatus(me.token)).toBe(200);
      expect((await sessionsOf(me.token)).map((s) => s.id)).not.toContain(id);
      // Gone already: 404, like any session that is not the caller's.
      expect((await del(`/auth/sessions/${id}`, me.token)).status).toBe(404);
    });

    it("answers 404 session_not_found for another account's session and an unknown id, and revokes nothing", async () => {
      const stranger = await registerAndSignIn(server);
      const theirs = (await sessionsOf(stranger.token)).find((s) => s.current)?.id as number;
      for (const id of [theirs, 2_000_000_000]) {
        const res = await del(`/auth/sessions/${id}`, me.token);
        expect(res.status).toBe(404);
        expect(((await res.json()) as { type: string }).type).toContain("session_not_found");
      }
      expect(await infoStatus(stranger.token)).toBe(200);
      expect((await del("/auth/sessions/not-a-number", me.token)).status).toBe(400);
    });

    it("signs out everywhere: every token of the account answers 401 afterwards, other accounts' do not", async () => {
      const account = await registerAndSignIn(server);
      const other = await signIn(server, account.email, account.password);
      const stranger = await registerAndSignIn(server);
      expect((await del("/auth/sessions", account.token)).status).toBe(204);
      expect(await infoStatus(account.token)).toBe(401);
      expect(await infoStatus(other)).toBe(401);
      expect((await get(server, "/auth/sessions", account.token)).status).toBe(401);
      expect(await infoStatus(stranger.token)).toBe(200);
      // The password still signs in: a new session.
      expect((await signInFrom(account.email, account.password)).status).toBe(200);
    });
  });

  describe("notifications read", () => {
    it("counts unread notifications, lists only unread ones on ?unread=true, and ignores other accounts' ids", async () => {
      const doctor = await newDoctor(server, { name: "Doctor Unread" });
      const tomorrow = WEEKDAYS[new Date(Date.now() + 86_400_000).getUTCDay()] as string;
      const slot = await addSlot(server, doctor.token, { day: tomorrow, start: "10:00" });
      const owner = await registerAndSignIn(server);
      const stranger = await registerAndSignIn(server);
      for (const name of ["Ann Unread", "Bob Unread"]) {
        const patient = await newPatient(server, owner.token, name);
        const booked = await post(server, "/patient/new_appointment", owner.token, {
          slot_id: slot.id,
          patient_id: patient.id,
        });
        expect(booked.status).toBe(201);
      }
      const page = async (token: string, query = "") => {
        const res = await get(server, `/users/notifications${query}`, token);
        expect(res.status).toBe(200);
        return (await res.json()) as NotificationPageJson;
      };
      const read = async (token: string, body: unknown) => {
        const res = await post(server, "/users/notifications/read", token, body);
        return { status: res.status, body: (await res.json()) as { unread: number } };
      };

      const all = await page(owner.token);
      expect(all).toMatchObject({ total: 2, unread: 2 });
      const newest = all.data[0] as { id: number };
      const oldest = all.data[1] as { id: number };

      // Another account naming the owner's notifications changes nothing and learns nothing.
      expect(await read(stranger.token, { ids: [newest.id, oldest.id] })).toEqual({
        status: 200,
        body: { unread: 0 },
      });
      expect(await page(owner.token)).toMatchObject({ unread: 2 });
      // An empty list names none of them.
      expect(await read(owner.token, { ids: [] })).toEqual({ status: 200, body: { unread: 2 } });

      expect(await read(owner.token, { ids: [oldest.id, oldest.id, 2_000_000_000] })).toEqual({
        status: 200,
        body: { unread: 1 },
      });
      const unread = await page(owner.token, "?unread=true");
      expect(unread).toMatchObject({ total: 1, unread: 1 });
      expect(unread.data.map((n) => n.id)).toEqual([newest.id]);
      expect(unread.data[0]?.read_at).toBeNull();
      const after = await page(owner.token);
      expect(after).toMatchObject({ total: 2, unread: 1 });
      expect(after.data.find((n) => n.id === oldest.id)?.read_at).toEqual(expect.any(String));

      // Without ids: every one.
      expect(await read(owner.token, {})).toEqual({ status: 200, body: { unread: 0 } });
      expect(await page(owner.token, "?unread=true")).toMatchObject({ data: [], total: 0, unread: 0 });
      expect(await page(owner.token, "?unread=false")).toMatchObject({ total: 2, unread: 0 });
    });

    it("refuses more than 1000 ids, ids that are not ids and an unknown unread value with 400", async () => {
      const me = await registerAndSignIn(server);
      const many = Array.from({ length: 1001 }, (_, i) => i + 1);
      expect((await post(server, "/users/notifications/read", me.token, { ids: many })).status).toBe(400);
      expect((await post(server, "/users/notifications/read", me.token, { ids: ["1"] })).status).toBe(400);
      expect((await post(server, "/users/notifications/read", me.token, { ids: [0] })).status).toBe(400);
      expect((await get(server, "/users/notifications?unread=maybe", me.token)).status).toBe(400);
      const thousand = Array.from({ length: 1000 }, (_, i) => i + 1);
      expect((await post(server, "/users/notifications/read", me.token, { ids: thousand })).status).toBe(200);
    });
  });
});
