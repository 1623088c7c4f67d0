import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { purgeInBatches } from "../../src/application/maintenance/purges.js";
import { PG_POOL, startWorkers } from "../../src/container.js";
import { PASSWORD_RESET_STORE, type PasswordResetStore } from "../../src/ports/mail.js";
import { registerAndSignIn, type SignedInAccount, signIn, uniqueEmail } from "../support/accounts.js";
import { auth } from "../support/booking.js";
import { eventually } from "../support/eventually.js";
import { MailServer, type ReceivedMail } from "../support/mail-server.js";
import { randomLoopback, rawRequest } from "../support/raw-http.js";
import { json, startTestServer, type TestServer } from "../support/server.js";

const NEW_PASSWORD = "a brand new passphrase";

describe("password reset: a mailed single-use link sets a new password and ends every session", () => {
  let server: TestServer;
  let workers: { close(): Promise<void> };
  let mail: MailServer;

  beforeAll(async () => {
    mail = await new MailServer().start();
    server = await startTestServer({ SMTP_URL: mail.url, MAIL_RETRY_BASE_MS: "200" });
    workers = startWorkers(server.runtime, { queueName: `password-reset-${Date.now()}` });
  });
  afterAll(async () => {
    await workers?.close();
    await server?.close();
    await mail?.stop();
  });

  const askReset = (email: string) => server.request("/auth/password_reset", json({ email }));
  const confirm = (token: string, newPassword = NEW_PASSWORD) =>
    server.request("/auth/password_reset/confirm", json({ token, new_password: newPassword }));
  const signInStatus = async (email: string, password: string) =>
    (await server.request("/auth/get_token", json({ email, password }))).status;
  const infoStatus = async (token: string) =>
    (await server.request("/users/info", { headers: auth(token) })).status;

  /** Asks a reset for the account and returns the mailed message and the token of its link. */
  const resetMail = async (
    account: SignedInAccount,
    count = 1,
  ): Promise<{ mail: ReceivedMail; token: string }> => {
    const res = await askReset(account.email.toUpperCase());
    expect(res.status).toBe(202);
    expect(await eventually(async () => mail.to(account.email).length >= count, 10_000, 50)).toBe(true);
    const message = mail.to(account.email)[count - 1] as ReceivedMail;
    const link = /http:\/\/doctorly\.test\/password_reset#token=([a-z2-7]+)/.exec(message.parsed.text ?? "");
    expect(link, message.parsed.text).not.toBeNull();
    return { mail: message, token: link?.[1] ?? "" };
  };

  it("mails a link; the token sets the password once, every old session ends and only the new password signs in", async () => {
    const account = await registerAndSignIn(server);
    const otherDevice = await signIn(server, account.email, account.password);
    const { mail: message, token } = await resetMail(account);
    expect(message.parsed.subject).toBe("Reset your Doctorly password");
    expect(message.parsed.messageId).toMatch(/^<password-reset-\d+@doctorly\.test>$/);
    expect(message.parsed.html).toContain(`href="http://doctorly.test/password_reset#token=${token}"`);
    // Stored only as its digest.
    const pool = server.runtime.container.get<DatabasePool>(PG_POOL);
    const stored = await pool.anyFirst(
      sql.unsafe`SELECT token_digest FROM password_resets r JOIN users u ON u.id = r.user_id WHERE u.email = ${account.email}`,
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0]).not.toBe(token);

    expect((await confirm(token)).status).toBe(204);
    expect(await infoStatus(account.token)).toBe(401);
    expect(await infoStatus(otherDevice)).toBe(401);
    expect(await signInStatus(account.email, account.password)).toBe(401);
    expect(await signInStatus(account.email, NEW_PASSWORD)).toBe(200);

    const reused = await confirm(token, "yet another passphrase");
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ status: 400, type: "/problems/invalid_reset_token" });
    expect(await signInStatus(account.email, NEW_PASSWORD)).toBe(200);
  });

  it("serves the page the link leads to: a form whose script, from this origin, posts the fragment's token", async () => {
    const page = await server.request("/password_reset");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<form id="reset"');
    expect(html).toContain('src="/password_reset/reset.js"');
    const script = await server.request("/password_reset/reset.js");
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toContain("javascript");
    const code = await script.text();
    expect(code).toContain("/auth/password_reset/confirm");
    expect(code).toContain("window.location.hash");
  });

  it("refuses an expired token with 400 and changes nothing", async () => {
    const account = await registerAndSignIn(server);
    const { token } = await resetMail(account);
    await server.runtime.container.get<DatabasePool>(PG_POOL).query(sql.unsafe`
      UPDATE password_resets SET expires_at = now() - interval '1 minute'
      WHERE user_id = ${account.user.id}
    `);
    const res = await confirm(token);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: "/problems/invalid_reset_token" });
    expect(await infoStatus(account.token)).toBe(200);
    expect(await signInStatus(account.email, account.password)).toBe(200);
  });

  it("refuses an unknown token and a password the registration refuses, naming the field", async () => {
    expect((await confirm("nosuchtokenatall")).status).toBe(400);
    const account = await registerAndSignIn(server);
    const { token } = await resetMail(account);
    const weak = await confirm(token, "password");
    expect(weak.status).toBe(400);
    expect(JSON.stringify(await weak.json())).toContain("new_password");
    // The refused attempt did not use the token up.
    expect((await confirm(token)).status).toBe(204);
  });

  it("the workers' purge deletes used and expired resets and keeps a live one", async () => {
    const used = await registerAndSignIn(server);
    const live = await registerAndSignIn(server);
    expect((await confirm((await resetMail(used)).token)).status).toBe(204);
    await resetMail(live);
    const pool = server.runtime.container.get<DatabasePool>(PG_POOL);
    const resetsOf = (userId: number) =>
      pool.oneFirst(sql.type(z.object({ n: z.number() }))`
        SELECT count(*)::int AS n FROM password_resets WHERE user_id = ${userId}`);
    const store = server.runtime.container.get<PasswordResetStore>(PASSWORD_RESET_STORE);
    await purgeInBatches((limit) => store.purgeEnded(new Date(), limit));
    expect(await resetsOf(used.user.id)).toBe(0);
    expect(await resetsOf(live.user.id)).toBe(1);
  });

  it("answers an unknown address exactly as a known one, and mails nothing", async () => {
    const account = await registerAndSignIn(server);
    const known = await askReset(account.email);
    const unknownEmail = uniqueEmail("nobody");
    const unknown = await askReset(unknownEmail);
    expect(unknown.status).toBe(202);
    expect(known.status).toBe(202);
    expect(await unknown.text()).toBe(await known.text());
    expect(await eventually(async () => mail.to(account.email).length === 1, 10_000, 50)).toBe(true);
    expect(mail.to(unknownEmail)).toEqual([]);
  });

  it("limits requests per address and per client with 429 and Retry-After", async () => {
    const limited = await startTestServer({
      PASSWORD_RESETS_PER_HOUR: "4",
      PASSWORD_RESETS_PER_EMAIL_PER_HOUR: "2",
    });
    try {
      const client = randomLoopback();
      const ask = (email: string, from = client) =>
        rawRequest(limited.baseUrl, {
          method: "POST",
          path: "/auth/password_reset",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email }),
          localAddress: from,
        });
      const email = uniqueEmail("limited");
      expect((await ask(email)).status).toBe(202);
      expect((await ask(email)).status).toBe(202);
      const perEmail = await ask(email, randomLoopback());
      expect(perEmail.status).toBe(429);
      expect(perEmail.headers["retry-after"]).toMatch(/^\d+$/);
      // The client has used 2 of its 4; two more addresses, then it is refused for any address.
      expect((await ask(uniqueEmail("limited"))).status).toBe(202);
      expect((await ask(uniqueEmail("limited"))).status).toBe(202);
      const perClient = await ask(uniqueEmail("limited"));
      expect(perClient.status).toBe(429);
      expect(perClient.headers["retry-after"]).toMatch(/^\d+$/);
    } finally {
      await limited.close();
    }
  });
});
