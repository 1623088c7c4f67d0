import type { AddressInfo } from "node:net";
import type { ServerType } from "@hono/node-server";
import { createLogger } from "../../src/adapters/logging/logger.pino.js";
import type { Config } from "../../src/config.js";
import { compose, type Runtime, serveHttp } from "../../src/container.js";
import { TEST_ON_REDIS_CLUSTER, testConfig } from "./env.js";
import { runtimeRedis } from "./test-redis.js";

export interface TestServer {
  readonly baseUrl: string;
  readonly runtime: Runtime;
  readonly config: Config;
  /** fetch against the running server; a relative path is resolved against baseUrl. */
  request(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** The real app, composed as in production, listening on an ephemeral loopback port. */
export async function startTestServer(overrides: Record<string, string> = {}): Promise<TestServer> {
  const config = testConfig(overrides);
  const runtime = await compose(config, createLogger(config.LOG_LEVEL));
  // The cluster configuration: every server a suite starts keeps its cache and queues on the cluster.
  if (TEST_ON_REDIS_CLUSTER) runtimeRedis(runtime, "startTestServer's cache connection");
  const server: ServerType = await new Promise((resolve) => {
    const s = serveHttp(runtime, { port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    runtime,
    config,
    request: (path, init) => fetch(new URL(path, baseUrl), init),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.close();
    },
  };
}

export const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});
