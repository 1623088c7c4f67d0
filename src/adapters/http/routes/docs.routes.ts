import { readFileSync } from "node:fs";
import path from "node:path";
// Only the path helper: the package's index executes the whole UI bundle in Node (~40 MB of memory).
import getAbsoluteFSPath from "swagger-ui-dist/absolute-path.js";
import type { App } from "../app.js";
import { CompressedBody } from "../compressed.js";
import { withCommonAnswers } from "../openapi-common-answers.js";

const ONE_DAY = "public, max-age=86400";

interface Asset {
  readonly body: CompressedBody;
  readonly type: string;
}

const bytes = (file: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(file));
const load = (file: string, type: string): Asset => ({ body: new CompressedBody(bytes(file)), type });

/**
 * The interactive docs ("try it out"), the password reset page and the shipped default pictures. Everything is read once at start
 * from the project and from swagger-ui-dist, so the page works with no internet access.
 */
export function registerDocsRoutes(app: App, deps: { publicDir: string; title: string; version: string }) {
  const swagger = getAbsoluteFSPath();
  const assets = new Map<string, Asset>([
    ["/docs/assets/swagger-ui.css", load(path.join(swagger, "swagger-ui.css"), "text/css; charset=utf-8")],
    [
      "/docs/assets/swagger-ui-bundle.js",
      load(path.join(swagger, "swagger-ui-bundle.js"), "text/javascript; charset=utf-8"),
    ],
    ["/docs/init.js", load(path.join(deps.publicDir, "docs", "init.js"), "text/javascript; charset=utf-8")],
    [
      "/password_reset/reset.js",
      load(path.join(deps.publicDir, "password-reset", "reset.js"), "text/javascript; charset=utf-8"),
    ],
    [
      "/static/defaults/doctor.svg",
      load(path.join(deps.publicDir, "defaults", "doctor.svg"), "image/svg+xml"),
    ],
    [
      "/static/defaults/specialization.svg",
      load(path.join(deps.publicDir, "defaults", "specialization.svg"), "image/svg+xml"),
    ],
  ]);
  const indexHtml = new CompressedBody(bytes(path.join(deps.publicDir, "docs", "index.html")));
  const resetHtml = new CompressedBody(bytes(path.join(deps.publicDir, "password-reset", "index.html")));

  app.get("/", (c) => indexHtml.answer(c, { "content-type": "text/html; charset=utf-8" }));
  // Where a mailed reset link leads: a form that posts the fragment's token to /auth/password_reset/confirm.
  app.get("/password_reset", (c) =>
    resetHtml.answer(c, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }),
  );
  for (const [route, asset] of assets) {
    app.get(route, (c) => asset.body.answer(c, { "content-type": asset.type, "cache-control": ONE_DAY }));
  }

  const config = {
    openapi: "3.1.0",
    info: {
      title: deps.title,
      version: deps.version,
      description: "Book a numbered place in a doctor's sitting. Errors are RFC 9457 problem+json.",
      license: { name: "MIT", identifier: "MIT" },
      contact: { name: "Doctorly maintainers" },
    },
    servers: [{ url: "/" }],
    tags: [
      { name: "Auth", description: "Sign in for a bearer token, sign out." },
      { name: "Users", description: "Accounts that book for their patients." },
      {
        name: "Doctors",
        description: "Doctor profiles, weekly slots, sittings, the doctor's own patients and pictures.",
      },
      {
        name: "Patients and appointments",
        description: "Patients of an account, booking and cancelling seats.",
      },
      {
        name: "Visits",
        description: "The doctor's day, visit status, ratings, waitlists and notifications.",
      },
      { name: "Search", description: "Doctors by name, specialization, qualification, day, rating and fee." },
      { name: "Catalog", description: "Specializations and qualifications." },
      { name: "Media", description: "Pictures as stored and served." },
      {
        name: "Webhooks",
        description: "Signed event deliveries to a doctor's or an admin's own URL, and their delivery log.",
      },
      { name: "Admin", description: "Verifying and suspending doctors (admins only)." },
      { name: "System", description: "Liveness, readiness and what problem types mean." },
    ],
  };
  // Built on first request, once every route has been registered.
  let document: CompressedBody | undefined;
  app.get("/openapi.json", (c) => {
    document ??= new CompressedBody(
      new TextEncoder().encode(
        JSON.stringify(
          withCommonAnswers(app.getOpenAPI31Document(config), { infraPaths: ["/health", "/ready"] }),
        ),
      ),
    );
    return document.answer(c, { "content-type": "application/json" });
  });
}
