import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";

const MODULE = process.env.REDISEARCH_MODULE ?? "/usr/lib/redis/modules/redisearch.so";

/**
 * A private Redis + RediSearch (or a plain Redis, `search: false`) that one test may stop and start
 * without disturbing the others.
 */
export class DisposableRedisSearch {
  constructor(
    readonly port: number,
    private readonly options: { readonly search?: boolean } = {},
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const dir = mkdtempSync(path.join(tmpdir(), "doctorly-redis-"));
    const child = spawn(
      "redis-server",
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir,
        ...(this.options.search === false ? [] : ["--loadmodule", MODULE]),
      ],
      { stdio: "ignore", detached: true },
    );
    child.unref();
    await this.waitFor(true);
  }

  /** Stops a server a crashed earlier run left on this (test-owned) port, if any. */
  async stopLeftover(): Promise<void> {
    if (await this.answers()) await this.stop();
  }

  async stop(): Promise<void> {
    const client = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on("error", () => undefined);
    await client.connect();
    await client.call("SHUTDOWN", "NOSAVE").catch(() => undefined);
    client.disconnect();
    await this.waitFor(false);
  }

  private async answers(): Promise<boolean> {
    const client = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on("error", () => undefined); // a refused probe is the expected answer while it is down
    const answered = await client
      .connect()
      .then(() => client.ping())
      .then(() => true)
      .catch(() => false);
    client.disconnect();
    return answered;
  }

  private async waitFor(up: boolean): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if ((await this.answers()) === up) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`redis on ${this.port} did not ${up ? "start" : "stop"} in time`);
  }
}
