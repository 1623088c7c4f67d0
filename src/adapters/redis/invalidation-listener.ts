import type { Logger } from "../../ports/logger.js";
import type { RedisConnection } from "./client.js";

/**
 * What an in-process cache (near cache, sessions, search answers) needs to hear its invalidation channel on
 * the shared subscribed connection: `onMessage` for each message on `channel`, and `reset` whenever what
 * memory holds can no longer be trusted — on subscribing (anything kept before may have been invalidated
 * while nobody listened) and when the connection is lost. Memory may answer only while `listening`.
 */
export class InvalidationListener {
  private subscribed = false;

  constructor(
    private readonly subscriber: RedisConnection,
    private readonly channel: string,
    private readonly handlers: { onMessage(message: string): void; reset(): void },
    private readonly logger: Logger,
    /** Logged when subscribing fails: what the cache does meanwhile. */
    private readonly notSubscribed: string,
  ) {
    subscriber.on("message", (from: string, message: string) => {
      if (from === channel) handlers.onMessage(message);
    });
    subscriber.on("ready", () => void this.subscribe());
    subscriber.on("close", () => {
      this.subscribed = false;
      handlers.reset();
    });
    if (subscriber.status === "ready") void this.subscribe();
  }

  /** True while the channel is heard (and memory may answer). */
  get listening(): boolean {
    return this.subscribed;
  }

  private async subscribe() {
    try {
      await this.subscriber.subscribe(this.channel);
      this.handlers.reset();
      this.subscribed = true;
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, this.notSubscribed);
    }
  }
}
