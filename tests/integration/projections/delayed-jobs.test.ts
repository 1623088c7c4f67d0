import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/adapters/logging/logger.pino.js";
import { BullJobQueue, startJobWorker } from "../../../src/adapters/queue/job-queue.bullmq.js";
import type { RedisConnection } from "../../../src/adapters/redis/client.js";
import type { ReceivedJob } from "../../../src/ports/job-queue.js";
import { eventually } from "../../support/eventually.js";
import { roleRedis, TEST_QUEUE_PREFIX, testQueue } from "../../support/test-redis.js";

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");

/** What reminders rely on: a delayed job runs after its delay, once, however often it was added. */
describe("delayed jobs (real BullMQ)", () => {
  const name = `doctorly-test-delayed-${randomBytes(4).toString("hex")}`;
  let redis: RedisConnection;
  let workerRedis: RedisConnection;
  let queue: BullJobQueue;

  beforeAll(async () => {
    redis = await roleRedis("queue", "test-delayed");
    workerRedis = await roleRedis("queue-worker", "test-delayed-worker");
    queue = new BullJobQueue(name, redis, undefined, TEST_QUEUE_PREFIX);
  });
  afterAll(async () => {
    await queue.close();
    const q = testQueue(name, redis);
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
      { prefix: TEST_QUEUE_PREFIX },
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
