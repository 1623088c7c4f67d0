import { ContainerModule } from "inversify";
import { PgWebhookStore } from "../adapters/postgres/webhook.store.pg.js";
import { HttpWebhookSender } from "../adapters/webhooks/webhook-sender.http.js";
import { RandomWebhookSigner } from "../adapters/webhooks/webhook-signer.standardwebhooks.js";
import { DnsWebhookTargetGuard } from "../adapters/webhooks/webhook-target-guard.dns.js";
import { Webhooks } from "../application/webhooks/webhooks.js";
import type { Config } from "../config.js";
import { DOCTOR_READ_MODEL } from "../ports/doctor.read-model.js";
import {
  WEBHOOK_SENDER,
  WEBHOOK_SIGNER,
  WEBHOOK_STORE,
  WEBHOOK_TARGET_GUARD,
  type WebhookSender,
  type WebhookSigner,
  type WebhookStore,
  type WebhookTargetGuard,
} from "../ports/webhooks.js";
import type { Infrastructure } from "./infrastructure.js";

/** Webhook subscriptions (webhooks.routes.ts) and their delivery (the workers, workers.ts). */
export const webhooksModule = (infra: Infrastructure, config: Config) =>
  new ContainerModule(({ bind }) => {
    const guard = new DnsWebhookTargetGuard(config.WEBHOOK_ALLOW_PRIVATE);
    bind<WebhookStore>(WEBHOOK_STORE).toConstantValue(new PgWebhookStore(infra.pool));
    bind<WebhookTargetGuard>(WEBHOOK_TARGET_GUARD).toConstantValue(guard);
    bind<WebhookSigner>(WEBHOOK_SIGNER).toConstantValue(new RandomWebhookSigner());
    bind<WebhookSender>(WEBHOOK_SENDER).toConstantValue(new HttpWebhookSender(guard));
    bind(Webhooks).toDynamicValue(
      (ctx) =>
        new Webhooks(
          ctx.get(WEBHOOK_STORE),
          ctx.get(DOCTOR_READ_MODEL),
          ctx.get(WEBHOOK_TARGET_GUARD),
          ctx.get(WEBHOOK_SIGNER),
          config.MAX_WEBHOOKS_PER_ACCOUNT,
        ),
    );
  });
