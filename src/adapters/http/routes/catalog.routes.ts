import { createRoute } from "@hono/zod-openapi";
import type { CatalogQueries } from "../../../application/queries/doctors/catalog.queries.js";
import { ok } from "../../../domain/shared/result.js";
import type { App } from "../app.js";
import { respondPublicRead } from "../respond.js";
import { QualificationSchema, SpecializationSchema } from "../schemas/catalog.js";
import { publicReadResponses } from "../schemas/openapi.js";
import { listOfSchema } from "../schemas/pages.js";

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
