import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/adapters/logging/logger.pino.js";
import { BullJobQueue, startJobWorker } from "../../../src/adapters/queue/job-queue.bullmq.js";
import type { RedisConnection } from "../../../src/adapters/redis/client.js";
import { compose, openProjectionQueues, type Runtime } from "../../../src/container.js";
import { testConfig } from "../../support/env.js";
import { eventually } from "../../support/eventually.js";
import { roleRedis, runtimeRedis, TEST_QUEUE_PREFIX, testQueue } from "../../support/test-redis.js";

const logger = createLogger("silent");

describe("projections:failed / replay see the reminder queue too", () => {
  const name = `doctorly-test-ops-${randomBytes(4).toString("hex")}`;
  let runtime: Runtime;
  let redis: RedisConnection;
  let workerRedis: RedisConnection;
  beforeAll(async () => {
    runtime = await compose(testConfig(), logger);
    runtimeRedis(runtime);
    redis = await roleRedis("queue", "test-ops");
    workerRedis = await roleRedis("queue-worker", "test-ops-worker");
  });
  afterAll(async () => {
    for (const queueName of [name, `${name}-reminders`]) {
      const q = testQueue(queueName, redis);
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
    workerRedis.disconnect();
    redis.disconnect();
    await runtime.close();
  });

  it("lists a reminder job that used up its retries under its queue, and queues it again", async () => {
    const reminders = new BullJobQueue(
      `${name}-reminders`,
      redis,
      { attempts: 1, backoffMs: 10 },
      TEST_QUEUE_PREFIX,
    );
    await reminders.enqueue([
      { id: "reminder-1-reminder_2h", name: "reminder_2h", data: { appointmentId: 1 } },
    ]);
    let broken = true;
    let ran = 0;
    const worker = startJobWorker(
      `${name}-reminders`,
      workerRedis,
      async () => {
        ran++;
        if (broken) throw new Error("postgres is away");
      },
      logger,
      { prefix: TEST_QUEUE_PREFIX },
    );
    try {
      expect(await eventually(async () => (await reminders.failed(10)).length === 1, 5_000, 20)).toBe(true);

      const { queues, close } = openProjectionQueues(runtime, name);
      try {
        expect(queues.map((q) => q.label)).toEqual(["projections", "reminders", "webhooks", "mails"]);
        const [projections, reminderQueue] = queues;
        expect(await projections.queue.failed(10)).toEqual([]);
        expect(await reminderQueue.queue.failed(10)).toMatchObject([
          { id: "reminder-1-reminder_2h", name: "reminder_2h", failedReason: "postgres is away" },
        ]);
        broken = false;
        expect(await reminderQueue.queue.retryFailed()).toBe(1);
      } finally {
        await close();
      }
      expect(await eventually(async () => ran === 2, 5_000, 20)).toBe(true);
      expect(await reminders.failed(10)).toEqual([]);
    } finally {
      await worker.close();
      await reminders.close();
    }
  });
});
