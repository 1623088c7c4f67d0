import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import type { App } from "./app.js";

/**
 * Security headers on every answer, errors included, and CORS for the configured origins only.
 * One CSP serves both the JSON API and the docs page: swagger-ui loads its script and CSS from this app
 * but sets inline styles and draws data: images, and "try it out" calls this origin.
 */
export function applySecurity(app: App, options: { corsOrigins: readonly string[] }) {
  app.use(
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
  app.use(
    cors({
      origin: [...options.corsOrigins],
      allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
      allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key"],
      exposeHeaders: ["Retry-After", "X-Request-Id", "Location"],
      maxAge: 600,
    }),
  );
}
