import type { Hook } from "@hono/zod-openapi";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Principal } from "../../domain/user/principal.js";
import type { Logger } from "../../ports/logger.js";
import { answerHeader, incomingHeader, onNode } from "./incoming.js";
import type { KnownRoutes } from "./known-routes.js";
import { problem, problemBody } from "./problem.js";

export interface AppEnv {
  Variables: {
    requestId: string;
    /** Set by the auth middleware on routes that require a signed-in caller. */
    principal: Principal;
  };
}

export type App = OpenAPIHono<AppEnv>;

const NO_STORE = "no-store";

/** Every request that fails schema validation answers 400 problem+json listing each field error. */
const validationHook: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  const errors = result.error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.join(".") : result.target,
    message: issue.message,
  }));
  return problem(c, 400, problemBody(400, "validation_failed", "The request is not valid.", errors));
};

export function createBaseApp(options: {
  logger: Logger;
  /** The paths and methods the app answers, once learnt: a wrong method on a known path is a 405. */
  knownRoutes?: KnownRoutes;
  /** Errors that mean a dependency is away (the database cut the connection): 503, retry later. */
  isUnavailable?: (error: unknown) => boolean;
}): App {
  const { logger } = options;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  // A client's id is kept when it is short and plain (as hono/request-id does), otherwise a fresh one.
  app.use(async (c, next) => {
    const given = incomingHeader(c, "x-request-id");
    const id = given && given.length <= 255 && !/[^\w\-=]/.test(given) ? given : crypto.randomUUID();
    c.set("requestId", id);
    answerHeader(c, "x-request-id", id);
    await next();
  });
  // An answer to a request that carries credentials (Bearer or Basic) is the caller's own, errors included:
  // no browser, proxy or CDN may keep it. Prepared on Node's answer like the other fixed headers; a
  // handler's own Cache-Control (a picture's `immutable` on its Response, a public read's through
  // `answerWith` on Node's answer) would win there, so it is overruled after, in both places.
  app.use(async (c, next) => {
    const withCredentials = incomingHeader(c, "authorization") !== undefined;
    if (!withCredentials) return next();
    answerHeader(c, "cache-control", NO_STORE);
    await next();
    if (onNode(c)) answerHeader(c, "cache-control", NO_STORE);
    const own = c.res.headers.get("cache-control");
    if (own !== null && own !== NO_STORE) c.res.headers.set("cache-control", NO_STORE);
  });
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    logger.info(
      {
        requestId: c.get("requestId"),
        method: c.req.method,
        path: loggedPath(c.req.path),
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
      },
      "request",
    );
  });
  app.notFound((c) => {
    const allow = options.knownRoutes?.allowed(c.req.path);
    if (!allow) return problem(c, 404, problemBody(404, "not_found", "No such resource."));
    return problem(
      c,
      405,
      problemBody(405, "method_not_allowed", `${c.req.method} is not allowed here; use ${allow.join(", ")}.`),
      { allow: allow.join(", ") },
    );
  });
  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      const status = error.status as ContentfulStatusCode;
      // Hono raises 400 for a body it cannot parse (JSON or multipart); say so without the parser's text.
      const detail =
        status === 400 ? "The request body could not be parsed." : error.message || "Request refused.";
      return problem(
        c,
        status,
        problemBody(status, status === 400 ? "malformed_body" : "http_error", detail),
      );
    }
    if (options.isUnavailable?.(error)) {
      logger.warn({ requestId: c.get("requestId"), err: errorMessage(error) }, "dependency unavailable");
      return problem(
        c,
        503,
        problemBody(503, "unavailable", "A service this request needs is unavailable; retry shortly."),
        { "retry-after": "1" },
      );
    }
    logger.error({ requestId: c.get("requestId"), err: error }, "unhandled error");
    return problem(
      c,
      500,
      problemBody(500, "internal", "Something went wrong on our side; it has been logged."),
    );
  });

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "A token from POST /auth/get_token.",
  });
  return app;
}

/** Paths that hold a secret (a doctor's calendar feed token) are logged without it. */
const SECRET_PATH = /^(\/calendar\/doctors\/)[^/]+/;
const loggedPath = (path: string): string => path.replace(SECRET_PATH, "$1{file}");

/**
 * 413 for a body over `maxSize`, from Content-Length before reading when it is declared. A declared
 * body refused unread stays on the socket, so that answer says `Connection: close`: a pooling client
 * then opens a new connection instead of sending its next request on one the server is about to drop.
 * A streamed body (no Content-Length) is refused while it is being read; closing then would cut the
 * sender off mid-write (EPIPE) before it reads the answer, so Node's own handling stays.
 */
export const refuseBodiesOver = (maxSize: number): MiddlewareHandler<AppEnv> =>
  bodyLimit({
    maxSize,
    onError: (c) =>
      problem(
        c,
        413,
        problemBody(413, "body_too_large", "The request body is too large."),
        Number(c.req.header("content-length") ?? 0) > maxSize ? { connection: "close" } : {},
      ),
  });

/**
 * The app-wide JSON body limit, after the security headers (so an early 413 carries them too).
 */
export function applyBodyLimit(
  app: App,
  options: {
    maxBodyBytes: number;
    /** Paths that apply their own, larger body limit (uploads); the app-wide limit skips them. */
    ownsBodyLimit?: (path: string) => boolean;
  },
) {
  const limitBody = refuseBodiesOver(options.maxBodyBytes);
  // GET and HEAD bodies are never read; skipping them spares building a full Request per read.
  app.use((c, next) =>
    c.req.method === "GET" || c.req.method === "HEAD" || options.ownsBodyLimit?.(c.req.path)
      ? next()
      : limitBody(c, next),
  );
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
