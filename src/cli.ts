import { once } from "node:events";
import path from "node:path";
import { parseArgs } from "node:util";
import { createLogger } from "./adapters/logging/logger.pino.js";
import { runMigrations } from "./adapters/postgres/migrate.js";
import type { RedisConnection } from "./adapters/redis/client.js";
import { CreateAdmin } from "./application/commands/accounts/create-admin.js";
import { rebuildDoctorIndex } from "./application/projections/doctor-projector.js";
import { ConfigError, loadConfig, projectRoot } from "./config.js";
import { compose, openProjectionQueues, REDIS, type Runtime } from "./container.js";
import { DOCTOR_DOCUMENT_SOURCE, DOCTOR_SEARCH_INDEX } from "./ports/doctor-search.js";
import type { JobQueue } from "./ports/job-queue.js";

/** All of standard input, without the line break a shell or `echo` adds at its end. */
async function passwordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

/** Operator commands: `node dist/cli.js <command> [--flags]` (or `tsx src/cli.ts` in development). */
const commands: Record<string, (argv: string[]) => Promise<void>> = {
  /**
   * The only way to make an admin. Idempotent; never promotes an existing non-admin account. The password
   * is best given on standard input (`--password-stdin`): an argument shows in the process list and the
   * shell history.
   */
  async "admin:create"(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        email: { type: "string" },
        password: { type: "string" },
        "password-stdin": { type: "boolean", default: false },
        name: { type: "string" },
      },
    });
    const password = values["password-stdin"] ? await passwordFromStdin() : values.password;
    if (!values.email || !password) {
      throw new Error(
        "usage: printf '%s' \"$PASSWORD\" | npm run admin:create -- --email <email> --password-stdin [--name <name>]\n" +
          "   or: npm run admin:create -- --email <email> --password <password> [--name <name>]",
      );
    }
    const config = loadConfig();
    const runtime = await compose(config, createLogger(config.LOG_LEVEL));
    try {
      const result = await runtime.container
        .get(CreateAdmin)
        .execute({ email: values.email, password, name: values.name });
      if (!result.ok) throw new Error(result.error.detail);
      const { status, email, userId } = result.value;
      console.log(
        status === "created"
          ? `admin:create: created admin ${email} (id ${userId})`
          : `admin:create: ${email} is already an admin (id ${userId}); nothing changed`,
      );
    } finally {
      await runtime.close();
    }
  },
  async migrate() {
    const config = loadConfig();
    const count = await runMigrations(
      config.DATABASE_MIGRATION_URL,
      path.join(projectRoot, "migrations"),
      createLogger(config.LOG_LEVEL),
      { appRole: config.DATABASE_APP_ROLE },
    );
    console.log(count === 0 ? "migrations: up to date" : `migrations: ${count} applied`);
  },
  async "projections:rebuild"() {
    await withRuntime(async (runtime) => {
      await redisReady(runtime.container.get<RedisConnection>(REDIS));
      const { indexed, index } = await rebuildDoctorIndex(
        runtime.container.get(DOCTOR_DOCUMENT_SOURCE),
        runtime.container.get(DOCTOR_SEARCH_INDEX),
        (done, total) => process.stderr.write(`\r${progressBar(done, total)}`),
      );
      process.stderr.write("\n");
      console.log(`projections:rebuild: ${indexed} doctors indexed into ${index}`);
    });
  },
  /** Jobs of the workers' queues (projections, reminders, webhooks, mails) that used up their retries. */
  async "projections:failed"() {
    await listFailed("projections:failed", ALL_QUEUES);
  },
  async "projections:replay"() {
    await replayFailed("projections:replay", ALL_QUEUES);
  },
  /** Mails and webhook deliveries that used up their retries. */
  async "deliveries:failed"() {
    await listFailed("deliveries:failed", DELIVERY_QUEUES);
  },
  /** Sends them again with fresh attempts (a mail already accepted by the relay is not sent twice). */
  async "deliveries:replay"() {
    await replayFailed("deliveries:replay", DELIVERY_QUEUES);
  },
};

const ALL_QUEUES = null;
const DELIVERY_QUEUES: readonly string[] = ["webhooks", "mails"];

async function listFailed(command: string, labels: readonly string[] | null): Promise<void> {
  await withProjectionQueues(async (queues) => {
    let count = 0;
    for (const { label, queue } of queues) {
      if (labels && !labels.includes(label)) continue;
      const failed = await queue.failed(1_000);
      count += failed.length;
      for (const job of failed) {
        console.log(
          `${label}\t${job.id}\t${job.name}\t${job.failedAt ?? "-"}\tattempts=${job.attemptsMade}\t${job.failedReason}`,
        );
      }
    }
    console.log(`${command}: ${count} failed job(s)`);
  });
}

async function replayFailed(command: string, labels: readonly string[] | null): Promise<void> {
  await withProjectionQueues(async (queues) => {
    const counts = [];
    for (const { label, queue } of queues) {
      if (labels && !labels.includes(label)) continue;
      counts.push(`${await queue.retryFailed()} ${label}`);
    }
    console.log(`${command}: ${counts.join(", ")} job(s) queued again`);
  });
}

async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const runtime = await compose(config, createLogger(config.LOG_LEVEL));
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

/** The app's Redis connection fails fast instead of queueing, so a one-shot command waits for it first. */
async function redisReady(redis: RedisConnection, timeoutMs = 5_000): Promise<void> {
  if (redis.status === "ready") return;
  await Promise.race([
    once(redis, "ready"),
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`redis not ready within ${timeoutMs} ms`)), timeoutMs).unref(),
    ),
  ]);
}

async function withProjectionQueues(
  work: (queues: readonly { label: string; queue: JobQueue }[]) => Promise<void>,
): Promise<void> {
  await withRuntime(async (runtime) => {
    const { queues, close } = openProjectionQueues(runtime);
    try {
      await work(queues);
    } finally {
      await close();
    }
  });
}

function progressBar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total}`;
}

async function cli() {
  const [name, ...rest] = process.argv.slice(2);
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error(`usage: node dist/cli.js <${Object.keys(commands).join("|")}> [options]`);
    process.exit(2);
  }
  await command(rest);
}

cli().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError
      ? error.message
      : `failed: ${error instanceof Error ? error.message : error}`,
  );
  process.exit(1);
});
