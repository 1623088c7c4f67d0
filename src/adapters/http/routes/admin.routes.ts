import { createRoute, z } from "@hono/zod-openapi";
import type { ChangeDoctorVerification } from "../../../application/commands/doctors/change-doctor-verification.js";
import type { DoctorQueries } from "../../../application/queries/doctors/doctor.queries.js";
import type { VerificationChange } from "../../../domain/doctor/verification.js";
import { ok } from "../../../domain/shared/result.js";
import type { Authenticator } from "../../../ports/authenticator.js";
import type { App } from "../app.js";
import { requireAuth, requireRole } from "../auth.js";
import { problemResponses } from "../problem.js";
import { respond, respondWithDoctor } from "../respond.js";
import { DoctorProfileSchema } from "../schemas/doctor.js";
import { IdParam } from "../schemas/fields.js";
import { bearer, jsonContent } from "../schemas/openapi.js";
import { PageQuery, pageOfSchema, toPageRequest } from "../schemas/pages.js";

export interface AdminRouteDeps {
  readonly authenticator: Authenticator;
  readonly doctors: DoctorQueries;
  readonly changeDoctorVerification: ChangeDoctorVerification;
}

const VerificationQuery = PageQuery.extend({
  verified: z
    .enum(["true", "false"])
    .optional()
    .openapi({ description: "Only verified (`true`) or unverified (`false`) doctors; all when omitted" }),
});

const DoctorProfilePage = pageOfSchema(DoctorProfileSchema, "DoctorProfilePage");

const DoctorIdParam = IdParam.extend({ id: IdParam.shape.id.openapi({ description: "doctor id" }) });

/** Admin-only routes: an admin is made by `npm run admin:create`, never by a request. */
export function registerAdminRoutes(app: App, deps: AdminRouteDeps) {
  const adminOnly = [requireAuth(deps.authenticator), requireRole("admin")] as const;
  const tags = ["Admin"];

  app.openapi(
    createRoute({
      method: "get",
      path: "/admin/doctors",
      tags,
      summary: "Doctors with their verification, e.g. the ones waiting to be verified",
      description:
        "Admins only. `verified=false` lists the doctors waiting for verification (and suspended ones).",
      security: bearer,
      middleware: [...adminOnly],
      request: { query: VerificationQuery },
      responses: {
        200: { description: "A page of doctors, in id order", content: jsonContent(DoctorProfilePage) },
        ...problemResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const { verified, ...page } = c.req.valid("query");
      const only = verified === undefined ? undefined : verified === "true";
      return respond(c, ok(await deps.doctors.byVerification(only, toPageRequest(page))), 200);
    },
  );

  const change = (verification: VerificationChange, summary: string, description: string) =>
    app.openapi(
      createRoute({
        method: "post",
        path: `/admin/doctors/{id}/${verification}`,
        tags,
        summary,
        description,
        security: bearer,
        middleware: [...adminOnly],
        request: { params: DoctorIdParam },
        responses: {
          200: { description: "The doctor, with `verified`", content: jsonContent(DoctorProfileSchema) },
          ...problemResponses(400, 401, 403, 404),
        },
      }),
      async (c) => {
        const result = await deps.changeDoctorVerification.execute(
          c.get("principal"),
          c.req.valid("param").id,
          verification,
        );
        return respondWithDoctor(c, deps.doctors, result, 200);
      },
    );

  change(
    "verify",
    "Verify a doctor: patients see it and can book it",
    "The doctor appears in lists, search (within a second or two) and its public reads. Verifying a " +
      "verified doctor changes nothing.",
  );
  change(
    "suspend",
    "Suspend a doctor: hidden from patients again",
    "The doctor leaves lists, search and its public reads, and its slots cannot be booked or waited for. " +
      "The owners of its booked appointments are notified (`doctor_suspended`); the appointments stay " +
      "until they are cancelled. Suspending an unverified doctor changes nothing.",
  );
}
