import { createRoute, z } from "@hono/zod-openapi";
import type { HealthCheck } from "../../../ports/health.js";
import type { Logger } from "../../../ports/logger.js";
import type { App } from "../app.js";
import { ProblemSchema, problemBody } from "../problem.js";
import { PROBLEM_TYPES } from "../problem-types.js";

const CHECK_TIMEOUT_MS = 1_500;

const ChecksSchema = z.record(z.string(), z.enum(["ok", "failed", "degraded"])).openapi({
  example: { postgres: "ok", redis: "ok", search: "ok" },
});

const RolesSchema = z.record(z.string(), z.array(z.string())).openapi({
  description: "What each checked dependency serves",
  example: {
    postgres: ["primary"],
    redis: ["cache", "counters", "queue", "search"],
    search: ["doctor index"],
  },
});

const health = createRoute({
  method: "get",
  path: "/health",
  tags: ["System"],
  summary: "Liveness: the process is up",
  description: "Answers 200 as long as the process runs; it checks no dependency (use /ready for that).",
  responses: {
    200: {
      description: "Up",
      content: {
        "application/json": {
          schema: z.object({ status: z.literal("ok") }).openapi("Health"),
          example: { status: "ok" },
        },
      },
    },
  },
});

const ready = createRoute({
  method: "get",
  path: "/ready",
  tags: ["System"],
  summary: "Readiness: Postgres, Redis and the search module answer",
  description:
    "200 when PostgreSQL, every Redis and the search index answer within 1.5 s; 503 naming the ones that did not. " +
    "`roles` says what each serves. A read replica that does not answer is `degraded` (reads go to the primary) and keeps the answer 200. For load balancers.",
  responses: {
    200: {
      description: "Every dependency answers",
      content: {
        "application/json": {
          schema: z
            .object({ status: z.literal("ok"), checks: ChecksSchema, roles: RolesSchema })
            .openapi("Readiness"),
          example: {
            status: "ok",
            checks: { postgres: "ok", redis: "ok", search: "ok" },
            roles: {
              postgres: ["primary"],
              redis: ["cache", "counters", "queue", "search"],
              search: ["doctor index"],
            },
          },
        },
      },
    },
    503: {
      description: "At least one dependency does not answer; `checks` says which",
      content: {
        "application/problem+json": {
          schema: ProblemSchema.extend({ checks: ChecksSchema, roles: RolesSchema }).openapi("NotReady"),
          example: {
            ...problemBody(503, "not_ready", "Not ready: redis did not answer."),
            checks: { postgres: "ok", redis: "failed", search: "failed" },
            roles: {
              postgres: ["primary"],
              redis: ["cache", "counters", "queue", "search"],
              search: ["doctor index"],
            },
          },
        },
      },
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

const ProblemTypeSchema = z
  .object({
    type: z.string().openapi({ example: "/problems/sitting_full" }),
    code: z.string().openapi({ example: "sitting_full" }),
    status: z.number().int().openapi({ example: 409 }),
    title: z.string().openapi({ example: "Sitting full" }),
    meaning: z.string().openapi({ example: "The sitting has no free seat; join its waitlist instead." }),
  })
  .openapi("ProblemType", {
    example: {
      type: "/problems/sitting_full",
      code: "sitting_full",
      status: 409,
      title: "Sitting full",
      meaning: "The sitting has no free seat; join its waitlist instead.",
    },
  });

const problemType = createRoute({
  method: "get",
  path: "/problems/{code}",
  tags: ["System"],
  summary: "What a problem `type` means: every error answer's `type` is a link here",
  description:
    "Every error answer is problem+json whose `type` is `/problems/{code}`; this explains the code: its usual status, a title and what it means.",
  request: {
    params: z.object({
      code: z
        .string()
        .max(64)
        .openapi({ param: { name: "code", in: "path" }, example: "sitting_full" }),
    }),
  },
  responses: {
    200: { description: "The problem type", content: { "application/json": { schema: ProblemTypeSchema } } },
    404: {
      description: "No problem has this code",
      content: { "application/problem+json": { schema: ProblemSchema } },
    },
  },
});

export function registerSystemRoutes(
  app: App,
  deps: { healthChecks: readonly HealthCheck[]; logger: Logger },
) {
  app.openapi(health, (c) => c.json({ status: "ok" as const }, 200));

  app.openapi(ready, async (c) => {
    const results = await Promise.all(
      deps.healthChecks.map(async (h) => [h.name, await runCheck(h)] as const),
    );
    const critical = (name: string) => deps.healthChecks.find((h) => h.name === name)?.critical !== false;
    const statusOf = (name: string, up: boolean) => (up ? "ok" : critical(name) ? "failed" : "degraded");
    const checks = Object.fromEntries(results.map(([name, up]) => [name, statusOf(name, up)] as const));
    const roles = Object.fromEntries(deps.healthChecks.map((h) => [h.name, [...(h.roles ?? [])]]));
    const failed = results.filter(([name, up]) => !up && critical(name)).map(([name]) => name);
    const degraded = results.filter(([name, up]) => !up && !critical(name)).map(([name]) => name);
    if (degraded.length > 0) deps.logger.warn({ degraded }, "degraded");
    if (failed.length === 0) return c.json({ status: "ok" as const, checks, roles }, 200);
    deps.logger.warn({ failed }, "not ready");
    const body = {
      ...problemBody(503, "not_ready", `Not ready: ${failed.join(", ")} did not answer.`),
      checks,
      roles,
    };
    return c.json(body, 503, { "content-type": "application/problem+json" });
  });

  app.openapi(problemType, (c) => {
    const { code } = c.req.valid("param");
    const known = Object.hasOwn(PROBLEM_TYPES, code) ? PROBLEM_TYPES[code] : undefined;
    if (!known) {
      return c.json(problemBody(404, "not_found", "No problem has this code."), 404, {
        "content-type": "application/problem+json",
      });
    }
    return c.json({ type: `/problems/${code}`, code, ...known }, 200);
  });
}
