import { createRoute, z } from "@hono/zod-openapi";
import type { HealthCheck } from "../../../ports/health.js";
import type { Logger } from "../../../ports/logger.js";
import type { App } from "../app.js";
import { ProblemSchema, problemBody } from "../problem.js";

const CHECK_TIMEOUT_MS = 1_500;

const ChecksSchema = z.record(z.string(), z.enum(["ok", "failed"])).openapi({
  example: { postgres: "ok", redis: "ok", search: "ok" },
});

const health = createRoute({
  method: "get",
  path: "/health",
  tags: ["System"],
  summary: "Liveness: the process is up",
  responses: {
    200: {
      description: "Up",
      content: { "application/json": { schema: z.object({ status: z.literal("ok") }) } },
    },
  },
});

const ready = createRoute({
  method: "get",
  path: "/ready",
  tags: ["System"],
  summary: "Readiness: Postgres, Redis and the search module answer",
  responses: {
    200: {
      description: "Every dependency answers",
      content: {
        "application/json": { schema: z.object({ status: z.literal("ok"), checks: ChecksSchema }) },
      },
    },
    503: {
      description: "At least one dependency does not answer; `checks` says which",
      content: { "application/problem+json": { schema: ProblemSchema.extend({ checks: ChecksSchema }) } },
    },
  },
});

async function runCheck(check: HealthCheck): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function registerSystemRoutes(
  app: App,
  deps: { healthChecks: readonly HealthCheck[]; logger: Logger },
) {
  app.openapi(health, (c) => c.json({ status: "ok" as const }, 200));

  app.openapi(ready, async (c) => {
    const results = await Promise.all(
      deps.healthChecks.map(async (h) => [h.name, await runCheck(h)] as const),
    );
    const checks = Object.fromEntries(results.map(([name, up]) => [name, up ? "ok" : "failed"] as const));
    const failed = results.filter(([, up]) => !up).map(([name]) => name);
    if (failed.length === 0) return c.json({ status: "ok" as const, checks }, 200);
    deps.logger.warn({ failed }, "not ready");
    const body = {
      ...problemBody(503, "not_ready", `Not ready: ${failed.join(", ")} did not answer.`),
      checks,
    };
    return c.json(body, 503, { "content-type": "application/problem+json" });
  });
}
