import { describe, expect, it } from "vitest";
import { WebhookDeliveries } from "../../../src/application/webhooks/webhook-delivery.js";
import type { QueuedJob } from "../../../src/ports/job-queue.js";
import type { PendingDelivery, WebhookSendResult, WebhookStore } from "../../../src/ports/webhooks.js";
import { RecordingLogger } from "../../support/fakes/accounts.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW = new Date("2026-12-01T10:00:00.000Z");

function setup(answers: (number | null)[]) {
  const delivery: PendingDelivery = {
    webhookId: 1,
    eventId: "42",
    url: "https://hooks.example/x",
    secret: SECRET,
    payload: "{}",
    status: "pending",
    attempts: 0,
  };
  const recorded: { status: string; statusCode: number | null; nextAttemptAt: Date | null }[] = [];
  const planned: unknown[] = [];
  const store = {
    pending: async () => delivery,
    recordAttempt: async (_w: number, _e: string, outcome: (typeof recorded)[number]) => {
      recorded.push(outcome);
    },
    plan: async (d: readonly { eventId: string }[]) => {
      planned.push(...d);
      return d.map((x) => ({ webhookId: 1, eventId: x.eventId }));
    },
  } as unknown as WebhookStore;
  const queued: QueuedJob[] = [];
  const queue = { enqueue: async (jobs: readonly QueuedJob[]) => void queued.push(...jobs) } as never;
  const sender = {
    send: async (): Promise<WebhookSendResult> => ({
      statusCode: answers.shift() ?? null,
      error: "ECONNREFUSED",
    }),
  };
  const logger = new RecordingLogger();
  const deliveries = new WebhookDeliveries(
    store,
    queue,
    sender,
    { now: () => NOW },
    { attempts: 3, baseMs: 1_000 },
    logger,
  );
  return { deliveries, recorded, planned, queued, logger };
}

const job = (attemptsMade: number) => ({
  id: "j",
  name: "webhook",
  data: { webhookId: 1, eventId: "42" },
  attemptsMade,
});

describe("webhook deliveries: one attempt per job", () => {
  it("marks a 2xx delivered", async () => {
    const { deliveries, recorded } = setup([204]);
    await deliveries.deliver(job(0));
    expect(recorded).toEqual([{ status: "delivered", statusCode: 204, nextAttemptAt: null }]);
  });

  it("keeps a failed attempt pending with the next attempt's time (doubling), and throws so that it is retried", async () => {
    const { deliveries, recorded } = setup([500, null]);
    await expect(deliveries.deliver(job(0))).rejects.toThrow(/500/);
    await expect(deliveries.deliver(job(1))).rejects.toThrow(/no answer/);
    expect(recorded).toEqual([
      { status: "pending", statusCode: 500, nextAttemptAt: new Date(NOW.getTime() + 1_000) },
      { status: "pending", statusCode: null, nextAttemptAt: new Date(NOW.getTime() + 2_000) },
    ]);
  });

  it("marks the last attempt failed, and never logs the secret", async () => {
    const { deliveries, recorded, logger } = setup([502]);
    await expect(deliveries.deliver(job(2))).rejects.toThrow();
    expect(recorded).toEqual([{ status: "failed", statusCode: 502, nextAttemptAt: null }]);
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(logger.lines)).not.toContain(SECRET);
  });

  it("plans one delivery job per outbox event that subscribers are told of", async () => {
    const { deliveries, planned, queued } = setup([]);
    await deliveries.plan({
      id: "outbox-1-2-2",
      name: "AppointmentBooked,PatientRegistered",
      attemptsMade: 0,
      data: {
        events: [
          { outboxId: "1", type: "AppointmentBooked", payload: { appointmentId: 7, doctorId: 3 } },
          { outboxId: "2", type: "PatientRegistered", payload: { patientId: 4, userId: 5 } },
        ],
      },
    });
    expect(planned).toMatchObject([{ eventId: "1", type: "appointment.booked", doctorId: 3 }]);
    expect(queued.map((j) => j.id)).toEqual(["webhook-1-1"]);
  });
});
