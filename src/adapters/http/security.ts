import { Hono } from "hono";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import type { App } from "./app.js";
import { answerHeader, incomingHeader, onNode } from "./incoming.js";
import type { KnownRoutes } from "./known-routes.js";
import { problem, problemBody } from "./problem.js";

/**
 * Security headers on every answer, errors included, and CORS for the configured origins only.
 * The docs page (`/`, `/docs/*`) and the password reset page (`/password_reset`) get the headers of an HTML document: swagger-ui loads its script and
 * CSS from this app but sets inline styles and draws data: images, and "try it out" calls this origin.
 * Every other answer (JSON, pictures) gets what an API answer needs (OWASP REST Security): a CSP that
 * allows nothing and no framing, nosniff, HSTS, no referrer — not the headers only documents act on.
 */
const ALLOW_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];
const ALLOW_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key"];

export function applySecurity(
  app: App,
  options: { corsOrigins: readonly string[]; knownRoutes?: KnownRoutes },
) {
  const documentHeaders = staticHeadersOf(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      // Doctor and specialization pictures are shown by web apps on other origins.
      crossOriginResourcePolicy: "cross-origin",
      xFrameOptions: "DENY",
    }),
  );
  const apiHeaders = staticHeadersOf(
    secureHeaders({
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      crossOriginResourcePolicy: "cross-origin",
      xFrameOptions: "DENY",
      crossOriginOpenerPolicy: false,
      originAgentCluster: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
    }),
  );
  const exposeHeaders = ["Retry-After", "X-Request-Id", "Location"];
  const crossOrigin = cors({
    origin: [...options.corsOrigins],
    allowMethods: ALLOW_METHODS,
    allowHeaders: ALLOW_HEADERS,
    exposeHeaders,
    maxAge: 600,
  });
  // What the CORS middleware adds to a request without an Origin header.
  const sameOrigin: [string, string][] = [
    ["access-control-expose-headers", exposeHeaders.join(",")],
    ["vary", "Origin"],
  ];
  // Every combination the middleware picks from, put together once rather than per request.
  const headerSets = Promise.all([documentHeaders, apiHeaders]).then(([doc, api]) => ({
    document: { crossOrigin: doc, sameOrigin: [...doc, ...sameOrigin] },
    api: { crossOrigin: api, sameOrigin: [...api, ...sameOrigin] },
  }));

  // The fixed headers are set before the handler runs, on Node's answer (see answerHeader): headers changed
  // on a finished Response make the server copy the whole answer, and WHATWG Headers cost more than a
  // cached read. hono's CORS middleware only runs for requests that carry an Origin (or preflights).
  app.use(async (c, next) => {
    const isCrossOrigin = c.req.method === "OPTIONS" || incomingHeader(c, "origin") !== undefined;
    const sets = (await headerSets)[isDocument(c.req.path) ? "document" : "api"];
    const fixed = isCrossOrigin ? sets.crossOrigin : sets.sameOrigin;
    for (const [name, value] of fixed) answerHeader(c, name, value, name === "vary");
    // Preflights are answered here: hono's CORS middleware answers them with a Response of its own, which
    // @hono/node-server cannot merge with headers prepared earlier in the chain (it throws, a 500).
    if (c.req.method === "OPTIONS") {
      const allow = options.knownRoutes ? options.knownRoutes.allowed(c.req.path) : [];
      if (!allow) return problem(c, 404, problemBody(404, "not_found", "No such resource."));
      if (allow.length > 0) c.header("allow", allow.join(", "));
      const origin = incomingHeader(c, "origin");
      if (origin !== undefined && options.corsOrigins.includes(origin)) {
        c.header("access-control-allow-origin", origin);
        c.header("access-control-allow-methods", ALLOW_METHODS.join(","));
        c.header("access-control-allow-headers", ALLOW_HEADERS.join(","));
        c.header("access-control-max-age", "600");
      }
      c.header("vary", "Origin", { append: true });
      return c.body(null, 204);
    }
    await (isCrossOrigin ? crossOrigin(c, next) : next());
    // Off Node, a handler that answered with a Response of its own did not take the prepared headers.
    if (!onNode(c) && !c.res.headers.has("x-content-type-options")) {
      for (const [name, value] of fixed) {
        if (name === "vary") c.res.headers.append(name, value);
        else c.res.headers.set(name, value);
      }
    }
  });
}

const isDocument = (path: string) =>
  path === "/" ||
  path.startsWith("/docs/") ||
  path === "/password_reset" ||
  path.startsWith("/password_reset/");

/** The headers a fixed (nonce-free) secureHeaders configuration sets, read once from a probe answer. */
async function staticHeadersOf(middleware: ReturnType<typeof secureHeaders>): Promise<[string, string][]> {
  const probe = new Hono();
  probe.use(middleware);
  probe.get("/", (c) => c.body(null, 204));
  const answer = await probe.request("/");
  return [...answer.headers.entries()].filter(([name]) => name !== "content-type");
}
