import type { DatabasePool } from "slonik";
import { PgOutboxReader } from "../adapters/postgres/outbox.reader.pg.js";
import {
  BullJobQueue,
  type JobWorkerOptions,
  type RetryPolicy,
  startJobWorker,
} from "../adapters/queue/job-queue.bullmq.js";
import { connectQueueRole, connectRole } from "../adapters/redis/client.js";
import { PASSWORD_RESET_MINUTES } from "../application/commands/accounts/password-reset.js";
import { MailDeliveries } from "../application/mail/mail-deliveries.js";
import {
  idempotencyKeyPurge,
  PurgeSchedule,
  passwordResetPurge,
  sessionPurge,
} from "../application/maintenance/purges.js";
import { IndexWatchdog, startMaintenance } from "../application/maintenance/watchdog.js";
import { DoctorProjector } from "../application/projections/doctor-projector.js";
import { OutboxRelay, type OutboxRelayOptions } from "../application/projections/outbox-relay.js";
import { Reminders } from "../application/projections/reminders.js";
import { WebhookDeliveries } from "../application/webhooks/webhook-delivery.js";
import { queuePrefixOf, redisTargets } from "../config.js";
import { APPOINTMENT_READ_MODEL, type AppointmentReadModel } from "../ports/appointment.read-model.js";
import { CACHE, type Cache } from "../ports/cache.js";
import { CALENDAR_WRITER, type CalendarWriter } from "../ports/calendar.js";
import { CLOCK, type Clock } from "../ports/clock.js";
import {
  DOCTOR_DOCUMENT_SOURCE,
  DOCTOR_SEARCH_INDEX,
  type DoctorDocumentSource,
  type DoctorSearchIndex,
} from "../ports/doctor-search.js";
import { IDEMPOTENCY_KEY_PURGER, type IdempotencyKeyPurger } from "../ports/idempotency.store.js";
import {
  MAIL_SOURCE,
  MAILER,
  type Mailer,
  type MailSource,
  PASSWORD_RESET_STORE,
  type PasswordResetStore,
} from "../ports/mail.js";
import { SESSION_PURGER, type SessionPurger } from "../ports/session.store.js";
import { SESSION_TOKENS, type SessionTokens } from "../ports/token.js";
import { UNIT_OF_WORK, type UnitOfWork } from "../ports/unit-of-work.js";
import { VISIT_READ_MODEL, type VisitReadModel } from "../ports/visit.read-model.js";
import { WEBHOOK_SENDER, WEBHOOK_STORE, type WebhookSender, type WebhookStore } from "../ports/webhooks.js";
import { PG_POOL } from "./infrastructure.js";
import { mailDomainOf } from "./mail.module.js";
import type { Runtime } from "./runtime.js";

export const PROJECTION_QUEUE = "doctorly-projections";

export interface WorkerOptions {
  readonly queueName?: string;
  /** Tests relay from a private copy of the outbox table. */
  readonly outboxTable?: string;
  readonly relay?: OutboxRelayOptions;
  readonly worker?: JobWorkerOptions;
  readonly retry?: RetryPolicy;
}

/** The queue of visit reminders that the workers beside `queueName` run. */
const reminderQueueOf = (queueName: string) => `${queueName}-reminders`;
/** The queue of webhook deliveries beside `queueName`. */
const webhookQueueOf = (queueName: string) => `${queueName}-webhooks`;
/** The queue of mails beside `queueName`. */
const mailQueueOf = (queueName: string) => `${queueName}-mails`;

/**
 * The workers' queues for operator commands (failed jobs, replay): projections, reminders, webhooks,
 * mails. Close them after use.
 */
export function openProjectionQueues(runtime: Runtime, queueName = PROJECTION_QUEUE) {
  const connection = connectRole(redisTargets(runtime.config).queue, "queue-admin");
  const prefix = queuePrefixOf(runtime.config);
  const queues = [
    { label: "projections", queue: new BullJobQueue(queueName, connection, undefined, prefix) },
    {
      label: "reminders",
      queue: new BullJobQueue(reminderQueueOf(queueName), connection, undefined, prefix),
    },
    { label: "webhooks", queue: new BullJobQueue(webhookQueueOf(queueName), connection, undefined, prefix) },
    { label: "mails", queue: new BullJobQueue(mailQueueOf(queueName), connection, undefined, prefix) },
  ] as const;
  return {
    queues,
    async close() {
      for (const { queue } of queues) await queue.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

/**
 * The outbox relay and the projector worker. On start, an index that had to be created (first run, or
 * Redis lost its data) is filled from Postgres in the background; events keep flowing meanwhile.
 */
export function startWorkers(runtime: Runtime, options: WorkerOptions = {}): { close(): Promise<void> } {
  const { container, config, logger } = runtime;
  const queueName = options.queueName ?? PROJECTION_QUEUE;
  // The relay's connection fails fast (it is used inside a transaction); the worker's blocks and waits.
  // A job held by a worker that died goes back to the queue once its lock lapses (JOB_LOCK_MS).
  const prefix = queuePrefixOf(config);
  const jobOptions: JobWorkerOptions = {
    prefix,
    lockDurationMs: config.JOB_LOCK_MS,
    stalledIntervalMs: config.JOB_LOCK_MS,
    ...options.worker,
  };
  const target = redisTargets(config).queue;
  const relayRedis = connectRole(target, "relay");
  const workerRedis = connectQueueRole(target, "worker");
  const reminderRedis = connectQueueRole(target, "reminders");
  const webhookRedis = connectQueueRole(target, "webhooks");
  const mailRedis = connectQueueRole(target, "mails");
  const connections = [relayRedis, workerRedis, reminderRedis, webhookRedis, mailRedis];
  for (const connection of connections) {
    connection.on("error", (error) => logger.warn({ err: error.message }, "queue redis connection error"));
  }
  const queue = new BullJobQueue(queueName, relayRedis, options.retry, prefix);
  const relay = new OutboxRelay(
    new PgOutboxReader(container.get<DatabasePool>(PG_POOL), options.outboxTable),
    queue,
    logger,
    options.relay,
  );
  const index = container.get<DoctorSearchIndex>(DOCTOR_SEARCH_INDEX);
  const source = container.get<DoctorDocumentSource>(DOCTOR_DOCUMENT_SOURCE);
  const projector = new DoctorProjector(source, index, container.get<Cache>(CACHE));
  const reminderQueueName = reminderQueueOf(queueName);
  const reminderQueue = new BullJobQueue(reminderQueueName, relayRedis, options.retry, prefix);
  const reminders = new Reminders(
    container.get<AppointmentReadModel>(APPOINTMENT_READ_MODEL),
    reminderQueue,
    container.get<UnitOfWork>(UNIT_OF_WORK),
    container.get<Clock>(CLOCK),
  );
  const webhookQueueName = webhookQueueOf(queueName);
  // Deliveries retry with BullMQ's exponential backoff: about a day in all with the defaults.
  const webhookQueue = new BullJobQueue(
    webhookQueueName,
    relayRedis,
    { attempts: config.WEBHOOK_MAX_ATTEMPTS, backoffMs: config.WEBHOOK_RETRY_BASE_MS },
    prefix,
  );
  const webhooks = new WebhookDeliveries(
    container.get<WebhookStore>(WEBHOOK_STORE),
    webhookQueue,
    container.get<WebhookSender>(WEBHOOK_SENDER),
    container.get<Clock>(CLOCK),
    { attempts: config.WEBHOOK_MAX_ATTEMPTS, baseMs: config.WEBHOOK_RETRY_BASE_MS },
    logger,
  );
  // Mails retry with BullMQ's exponential backoff too (MAIL_MAX_ATTEMPTS from MAIL_RETRY_BASE_MS).
  const mailQueueName = mailQueueOf(queueName);
  const mailQueue = new BullJobQueue(
    mailQueueName,
    relayRedis,
    { attempts: config.MAIL_MAX_ATTEMPTS, backoffMs: config.MAIL_RETRY_BASE_MS },
    prefix,
  );
  const mailer = config.SMTP_URL ? container.get<Mailer>(MAILER) : null;
  const mails = mailer
    ? new MailDeliveries({
        source: container.get<MailSource>(MAIL_SOURCE),
        appointments: container.get<AppointmentReadModel>(APPOINTMENT_READ_MODEL),
        mailer,
        queue: mailQueue,
        tokens: container.get<SessionTokens>(SESSION_TOKENS),
        calendar: container.get<CalendarWriter>(CALENDAR_WRITER),
        clock: container.get<Clock>(CLOCK),
        options: {
          calendarHost: new URL(config.PUBLIC_BASE_URL).hostname,
          messageIdDomain: mailDomainOf(config.MAIL_FROM),
          publicBaseUrl: config.PUBLIC_BASE_URL,
          resetMinutes: PASSWORD_RESET_MINUTES,
        },
      })
    : null;
  if (!mails) logger.info("mail is off: SMTP_URL is not set, so no notification or password reset is mailed");
  const worker = startJobWorker(
    queueName,
    workerRedis,
    async (job) => {
      await projector.handle(job);
      await reminders.plan(job);
      await webhooks.plan(job);
      await mails?.plan(job);
    },
    logger,
    jobOptions,
  );
  const reminderWorker = startJobWorker(reminderQueueName, reminderRedis, reminders.fire, logger, jobOptions);
  const webhookWorker = startJobWorker(webhookQueueName, webhookRedis, webhooks.deliver, logger, jobOptions);
  const mailWorker = mails
    ? startJobWorker(mailQueueName, mailRedis, mails.deliver, logger, jobOptions)
    : null;
  relay.start();

  const maintenance = startMaintenance(
    new IndexWatchdog({
      index,
      source,
      reminders,
      visits: container.get<VisitReadModel>(VISIT_READ_MODEL),
      logger,
    }),
    new PurgeSchedule(
      [
        idempotencyKeyPurge(
          container.get<IdempotencyKeyPurger>(IDEMPOTENCY_KEY_PURGER),
          config.IDEMPOTENCY_KEY_DAYS,
        ),
        sessionPurge(container.get<SessionPurger>(SESSION_PURGER)),
        passwordResetPurge(container.get<PasswordResetStore>(PASSWORD_RESET_STORE)),
      ],
      container.get<Clock>(CLOCK),
      logger,
    ),
  );
  logger.info({ queue: queueName }, "projection workers started");

  return {
    async close() {
      const maintenanceStopped = maintenance.stop();
      await relay.stop();
      await worker.close();
      await reminderWorker.close();
      await webhookWorker.close();
      await mailWorker?.close();
      await maintenanceStopped;
      await queue.close();
      await reminderQueue.close();
      await webhookQueue.close();
      await mailQueue.close();
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
