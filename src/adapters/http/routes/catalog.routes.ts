import { createRoute, z } from "@hono/zod-openapi";
import type { CatalogQueries } from "../../../application/queries/doctors/catalog.queries.js";
import { ok } from "../../../domain/shared/result.js";
import type { App } from "../app.js";
import { respondPublicRead } from "../respond.js";
import { listOfSchema, publicReadResponses } from "../schemas.js";

const QualificationSchema = z
  .object({ id: z.number().int(), name: z.string() })
  .openapi("Qualification", { example: { id: 1, name: "mbbs" } });

export const SpecializationSchema = z
  .object({ id: z.number().int(), name: z.string(), image: z.url() })
  .openapi("Specialization", {
    example: {
      id: 3,
      name: "cardiologist",
      image: "http://127.0.0.1:5000/static/defaults/specialization.svg",
    },
  });

const listQualifications = createRoute({
  method: "get",
  path: "/misc/qualifications",
  tags: ["Catalog"],
  summary: "All qualifications a doctor can hold",
  description: "The fixed catalog (mbbs, bds, …). Names are what POST /doctors/add_qualifications takes.",
  responses: publicReadResponses("The catalog", listOfSchema(QualificationSchema, "QualificationList")),
});

const listSpecializations = createRoute({
  method: "get",
  path: "/misc/specializations",
  tags: ["Catalog"],
  summary: "All specializations, with their pictures",
  description:
    "The fixed catalog of 36 specializations with their picture URLs. Names are what POST /doctors/add_specializations and the search filters take.",
  responses: publicReadResponses("The catalog", listOfSchema(SpecializationSchema, "SpecializationList")),
});

export function registerCatalogRoutes(app: App, deps: { catalog: CatalogQueries }) {
  app.openapi(listQualifications, async (c) => respondPublicRead(c, ok(await deps.catalog.qualifications())));
  app.openapi(listSpecializations, async (c) =>
    respondPublicRead(c, ok(await deps.catalog.specializations())),
  );
}
