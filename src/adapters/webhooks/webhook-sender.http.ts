import { lookup } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { Webhook } from "standardwebhooks";
import type { WebhookSender, WebhookSendResult } from "../../ports/webhooks.js";
import type { DnsWebhookTargetGuard } from "./webhook-target-guard.dns.js";

const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * POSTs a delivery signed per the Standard Webhooks convention. Redirects are not followed (a 3xx is
 * just not a success), the answer's body is read and thrown away, and the whole exchange is cut after
 * the timeout. The target is checked again now, and every address the name resolves to is checked at
 * connect time, so a name that changed to a private address since the subscription is not called.
 */
export class HttpWebhookSender implements WebhookSender {
  constructor(
    private readonly guard: DnsWebhookTargetGuard,
    private readonly timeoutMs = WEBHOOK_TIMEOUT_MS,
  ) {}

  async send(delivery: {
    url: string;
    secret: string;
    msgId: string;
    timestamp: Date;
    payload: string;
  }): Promise<WebhookSendResult> {
    const refusal = await this.guard.refusal(delivery.url);
    if (refusal !== null) return { statusCode: null, error: `target refused: ${refusal}` };
    const url = new URL(delivery.url);
    let signature: string;
    try {
      signature = new Webhook(delivery.secret).sign(delivery.msgId, delivery.timestamp, delivery.payload);
    } catch {
      return { statusCode: null, error: "the secret cannot sign" };
    }
    const headers = {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(delivery.payload)),
      "user-agent": "Doctorly-Webhooks/1",
      "webhook-id": delivery.msgId,
      "webhook-timestamp": String(Math.floor(delivery.timestamp.getTime() / 1000)),
      "webhook-signature": signature,
    };
    const guardedLookup: LookupFunction = (hostname, options, callback) => {
      lookup(hostname, { ...options, all: true }, (error, addresses) => {
        if (error) return callback(error, "", 0);
        const list = addresses as unknown as { address: string; family: number }[];
        const allowed = list.filter((a) => this.guard.allows(a.address));
        if (allowed.length === 0 || allowed.length < list.length) {
          return callback(new Error("target resolves to a private address"), "", 0);
        }
        if ((options as { all?: boolean }).all) return callback(null, allowed as never);
        const first = allowed[0] as { address: string; family: number };
        callback(null, first.address, first.family);
      });
    };
    const client = url.protocol === "https:" ? https : http;
    return new Promise<WebhookSendResult>((resolve) => {
      let settled = false;
      const finish = (result: WebhookSendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const request = client.request(
        url,
        { method: "POST", headers, lookup: guardedLookup, agent: false },
        (response) => {
          const statusCode = response.statusCode ?? null;
          response.resume();
          response.on("end", () => finish({ statusCode }));
          response.on("error", () => finish({ statusCode }));
        },
      );
      const timer = setTimeout(() => {
        request.destroy(new Error("timed out"));
      }, this.timeoutMs);
      request.on("error", (error) => finish({ statusCode: null, error: error.message }));
      request.end(delivery.payload);
    });
  }
}
