import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/adapters/logging/logger.pino.js";
import { BullJobQueue, startJobWorker } from "../../../src/adapters/queue/job-queue.bullmq.js";
import { createQueueRedis, createRedis } from "../../../src/adapters/redis/client.js";
import type { ReceivedJob } from "../../../src/ports/job-queue.js";
import { TEST_REDIS_URL } from "../../support/env.js";
import { eventually } from "../../support/eventually.js";

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");

/** What reminders rely on: a delayed job runs after its delay, once, however often it was added. */
describe("delayed jobs (real BullMQ)", () => {
  const name = `doctorly-test-delayed-${randomBytes(4).toString("hex")}`;
  let redis: Redis;
  let workerRedis: Redis;
  let queue: BullJobQueue;

  beforeAll(() => {
    redis = createRedis(TEST_REDIS_URL, "test-delayed");
    workerRedis = createQueueRedis(TEST_REDIS_URL, "test-delayed-worker");
    queue = new BullJobQueue(name, redis);
  });
  afterAll(async () => {
    await queue.close();
    const q = new Queue(name, { connection: redis });
    await q.obliterate({ force: true }).catch(() => undefined);
    await q.close();
    workerRedis.disconnect();
    await redis.quit();
  });

  it("runs a job no earlier than its delay, and a duplicate id only once", async () => {
    const seen: { job: ReceivedJob; at: number }[] = [];
    const worker = startJobWorker(
      name,
      workerRedis,
      async (job) => void seen.push({ job, at: Date.now() }),
      logger,
    );
    try {
      const job = {
        id: "reminder-1-reminder_2h",
        name: "reminder_2h",
        data: { appointmentId: 1 },
        delayMs: 600,
      };
      const added = Date.now();
      await queue.enqueue([job]);
      await queue.enqueue([job, { ...job, delayMs: 0 }]);
      expect(await eventually(async () => seen.length > 0, 5_000, 25)).toBe(true);
      expect((seen[0]?.at ?? 0) - added).toBeGreaterThanOrEqual(550);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen.map((s) => s.job)).toMatchObject([
        { id: job.id, name: "reminder_2h", data: { appointmentId: 1 } },
      ]);
    } finally {
      await worker.close();
    }
  });
});
