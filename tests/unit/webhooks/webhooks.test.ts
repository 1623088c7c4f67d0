import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { HttpWebhookSender } from "../../../src/adapters/webhooks/webhook-sender.http.js";
import { RandomWebhookSigner } from "../../../src/adapters/webhooks/webhook-signer.standardwebhooks.js";
import {
  DnsWebhookTargetGuard,
  isPublicAddress,
} from "../../../src/adapters/webhooks/webhook-target-guard.dns.js";
import { webhookBodyOf, webhookEventOf } from "../../../src/application/webhooks/webhook-events.js";

const facts = { appointmentId: 7, doctorId: 3, slotId: 5, date: "2026-12-07", seat: 2, patientId: 11 };
const event = (type: string, extra: Record<string, unknown> = {}) => ({
  outboxId: "42",
  type,
  payload: { type, ...facts, ...extra },
});

describe("webhook events: outbox events as subscribers see them", () => {
  it.each([
    ["AppointmentBooked", "appointment.booked"],
    ["AppointmentCancelled", "appointment.cancelled"],
    ["AppointmentMoved", "appointment.rescheduled"],
    ["AppointmentStatusChanged", "appointment.status_changed"],
    ["TimeOffTaken", "sitting.closed"],
    ["SlotRetired", "sitting.closed"],
    ["DoctorProfileChanged", "doctor.updated"],
    ["SlotChanged", "doctor.updated"],
    ["DoctorSuspended", "doctor.updated"],
  ])("maps %s to %s, for the event's doctor", (type, expected) => {
    expect(webhookEventOf(event(type))).toMatchObject({ type: expected, doctorId: 3 });
  });

  it("tells nothing of events about patients and accounts", () => {
    for (const type of [
      "PatientRegistered",
      "PatientChanged",
      "AccountErased",
      "WaitlistJoined",
      "AppointmentRated",
    ]) {
      expect(webhookEventOf(event(type)), type).toBeNull();
    }
  });

  it("carries ids and facts, never a doctor's free-text reason or a name", () => {
    const cancelled = webhookEventOf(
      event("AppointmentCancelled", { cancelledBy: "doctor", reason: "Mrs Smith is ill", name: "Ann" }),
    );
    expect(cancelled?.data).toEqual({
      appointment_id: 7,
      doctor_id: 3,
      slot_id: 5,
      date: "2026-12-07",
      seat: 2,
      patient_id: 11,
      cancelled_by: "doctor",
    });
    const moved = webhookEventOf(
      event("AppointmentMoved", { from: { slotId: 4, date: "2026-12-01", seat: 1 } }),
    );
    expect(moved?.data.from).toEqual({ slot_id: 4, date: "2026-12-01", seat: 1 });
    const body = JSON.parse(webhookBodyOf(cancelled as never, new Date("2026-12-01T10:00:00Z")));
    expect(body).toMatchObject({ type: "appointment.cancelled", timestamp: "2026-12-01T10:00:00.000Z" });
    expect(JSON.stringify(body)).not.toContain("Smith");
  });
});

describe("webhook target guard (SSRF)", () => {
  const strict = (resolved: string[]) =>
    new DnsWebhookTargetGuard(false, async () => resolved.map((address) => ({ address })));

  it("tells public addresses from loopback, private, link-local and reserved ones", () => {
    for (const a of ["93.184.215.14", "2606:2800:220:1:248:1893:25c8:1946"])
      expect(isPublicAddress(a), a).toBe(true);
    for (const a of [
      "127.0.0.1",
      "10.0.0.1",
      "172.16.5.4",
      "192.168.1.1",
      "169.254.169.254",
      "0.0.0.0",
      "::1",
      "fe80::1",
      "fd00::1",
      "::ffff:127.0.0.1",
      "100.64.0.1",
    ]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
  });

  it("refuses http, credentials and names that resolve to a private address, at any of their addresses", async () => {
    expect(await strict(["93.184.215.14"]).refusal("https://hooks.example/x")).toBeNull();
    expect(await strict(["93.184.215.14"]).refusal("http://hooks.example/x")).toMatch(/https/);
    expect(await strict(["93.184.215.14"]).refusal("https://a:b@hooks.example/x")).toMatch(/credentials/);
    expect(await strict(["93.184.215.14", "10.0.0.8"]).refusal("https://hooks.example/x")).toMatch(/private/);
    expect(await strict([]).refusal("https://127.0.0.1/x")).toMatch(/private/);
    expect(await strict([]).refusal("https://[::1]/x")).toMatch(/private/);
    const failing = new DnsWebhookTargetGuard(false, async () => {
      throw new Error("ENOTFOUND");
    });
    expect(await failing.refusal("https://nowhere.invalid/x")).toMatch(/resolve/);
  });

  it("lets private targets (and http) through when WEBHOOK_ALLOW_PRIVATE is on", async () => {
    const open = new DnsWebhookTargetGuard(true);
    expect(await open.refusal("http://127.0.0.1:8080/x")).toBeNull();
    expect(open.allows("10.0.0.1")).toBe(true);
    expect(await open.refusal("ftp://127.0.0.1/x")).toMatch(/https/);
  });
});

describe("webhook sender: Standard Webhooks signatures", () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  const receiver = async (status: number, location?: string) => {
    const got: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString("utf8");
      });
      req.on("end", () => {
        got.push({ headers: req.headers, body });
        res.writeHead(status, location ? { location } : {});
        res.end("a body that is ignored");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    close = () => new Promise((resolve) => server.close(() => resolve()));
    return { got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
  };

  it("signs so that the reference verifier accepts the body with the shown secret", async () => {
    const { got, url } = await receiver(204);
    const secret = new RandomWebhookSigner().newSecret();
    const payload = JSON.stringify({
      type: "appointment.booked",
      timestamp: new Date().toISOString(),
      data: { appointment_id: 1 },
    });
    const sent = await new HttpWebhookSender(new DnsWebhookTargetGuard(true)).send({
      url,
      secret,
      msgId: "4711",
      timestamp: new Date(),
      payload,
    });
    expect(sent.statusCode).toBe(204);
    const [request] = got as [{ headers: IncomingHttpHeaders; body: string }];
    expect(request.headers["webhook-id"]).toBe("4711");
    expect(request.headers["webhook-signature"]).toMatch(/^v1,/);
    expect(new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).toEqual(
      JSON.parse(payload),
    );
    expect(() =>
      new Webhook(new RandomWebhookSigner().newSecret()).verify(
        request.body,
        request.headers as Record<string, string>,
      ),
    ).toThrow();
  });

  it("does not follow a redirect, and does not call a private target when they are not allowed", async () => {
    const { got, url } = await receiver(302, "http://127.0.0.1:1/elsewhere");
    const args = {
      url,
      secret: new RandomWebhookSigner().newSecret(),
      msgId: "1",
      timestamp: new Date(),
      payload: "{}",
    };
    expect((await new HttpWebhookSender(new DnsWebhookTargetGuard(true)).send(args)).statusCode).toBe(302);
    expect(got).toHaveLength(1);
    const refused = await new HttpWebhookSender(new DnsWebhookTargetGuard(false)).send(args);
    expect(refused.statusCode).toBeNull();
    expect(got).toHaveLength(1);
  });

  it("gives up on a receiver that does not answer within the timeout", async () => {
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    close = () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`;
    const sent = await new HttpWebhookSender(new DnsWebhookTargetGuard(true), 200).send({
      url,
      secret: new RandomWebhookSigner().newSecret(),
      msgId: "1",
      timestamp: new Date(),
      payload: "{}",
    });
    expect(sent.statusCode).toBeNull();
  });
});
