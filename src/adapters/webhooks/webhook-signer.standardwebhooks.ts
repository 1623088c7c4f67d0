import { randomBytes } from "node:crypto";
import type { WebhookSigner } from "../../ports/webhooks.js";

/** Secrets as the Standard Webhooks convention shows them: `whsec_` and 32 random bytes in base64. */
export class RandomWebhookSigner implements WebhookSigner {
  newSecret(): string {
    return `whsec_${randomBytes(32).toString("base64")}`;
  }
}
