import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { DoctorSearchParams } from "../../../application/queries/doctors/doctor-search.queries.js";
import type { DoctorSearch } from "../../../application/queries/doctors/doctor-search.service.js";
import { MAX_CONSULTATION_FEE } from "../../../domain/slot/slot.js";
import { WEEKDAYS } from "../../../domain/slot/weekday.js";
import type { App, AppEnv } from "../app.js";
import { problemResponses } from "../problem.js";
import { respondJsonText } from "../respond.js";
import { DoctorSchema } from "../schemas/doctor.js";
import { jsonContent } from "../schemas/openapi.js";
import { PageQuery, pageOfSchema } from "../schemas/pages.js";
import { searchText, singleLineText } from "../text.js";

const tags = ["Search"];
const DoctorPage = pageOfSchema(DoctorSchema, "DoctorSearchPage");
/** A tag to match whole (a specialization, a qualification): control characters are refused (400). */
const tag = (example: string) => singleLineText({ max: 200 }).openapi({ example });
/** Free text: what is not a word, control characters included, is ignored (API.md), never an error. */
const freeText = (example: string) => searchText({ max: 200 }).openapi({ example });
const weekday = z
  .string()
  .transform((d) => d.trim().toLowerCase())
  .pipe(z.enum(WEEKDAYS))
  .openapi({
    type: "string",
    enum: [...WEEKDAYS],
    example: "monday",
    description: "A weekday (case-insensitive)",
  });

const SearchQuery = PageQuery.extend({
  q: freeText("heart").optional().openapi({ description: "Free text over name and description" }),
  specialization: tag("cardiologist").optional(),
  qualification: tag("mbbs").optional(),
  day: weekday.optional(),
  min_rating: z.coerce
    .number()
    .min(0)
    .max(5)
    .optional()
    .openapi({ type: "number", minimum: 0, maximum: 5, example: 4 }),
  max_fee: z.coerce.number().int().min(0).max(MAX_CONSULTATION_FEE).optional().openapi({
    type: "integer",
    minimum: 0,
    maximum: MAX_CONSULTATION_FEE,
    description: "minor units",
    example: 50000,
  }),
  sort: z.enum(["relevance", "rating", "experience", "fee"]).default("relevance"),
});

const NameParam = (example: string, schema: typeof tag | typeof freeText = tag) =>
  z.object({ name: schema(example).openapi({ param: { name: "name", in: "path" }, example }) });
const DayParam = z.object({
  day: weekday.openapi({ param: { name: "day", in: "path" }, example: "monday" }),
});

const searchResponses = {
  200: { description: "A page of doctors, from the search index", content: jsonContent(DoctorPage) },
  ...problemResponses(400, 429, 503),
};

/** Every /misc/doctors/* route is answered from the RediSearch projection, never by scanning Postgres. */
export function registerSearchRoutes(
  app: App,
  deps: { search: DoctorSearch; searchLimit: MiddlewareHandler<AppEnv> },
) {
  const answer = async (params: DoctorSearchParams) => deps.search.search(params);
  // Per client, before the query reaches RediSearch (API.md: search is limited per client).
  app.use("/misc/doctors/*", deps.searchLimit);

  // Registered before /misc/doctors/{name} so that these paths are never taken for a name.
  app.openapi(
    createRoute({
      method: "get",
      path: "/misc/doctors/search",
      tags,
      summary: "Search doctors: all filters combined with AND, sorted, paginated",
      description:
        "Answered from the search index: `q` matches names by word prefix (at most 5 words, 2–40 letters each; anything else is ignored), the filters combine with AND. Limited per client (429).",
      request: { query: SearchQuery },
      responses: searchResponses,
    }),
    async (c) => respondJsonText(c, await answer(c.req.valid("query"))),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/misc/doctors/specialization/{name}",
      tags,
      summary: "Doctors with a specialization",
      description: "Verified doctors holding the specialization, from the search index.",
      request: { params: NameParam("cardiologist"), query: PageQuery },
      responses: searchResponses,
    }),
    async (c) =>
      respondJsonText(
        c,
        await answer({ ...c.req.valid("query"), specialization: c.req.valid("param").name }),
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/misc/doctors/qualification/{name}",
      tags,
      summary: "Doctors with a qualification",
      description: "Verified doctors holding the qualification, from the search index.",
      request: { params: NameParam("mbbs"), query: PageQuery },
      responses: searchResponses,
    }),
    async (c) =>
      respondJsonText(c, await answer({ ...c.req.valid("query"), qualification: c.req.valid("param").name })),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/misc/doctors/day/{day}",
      tags,
      summary: "Doctors with a slot on a weekday",
      description: "Verified doctors with at least one weekly slot on that day, from the search index.",
      request: { params: DayParam, query: PageQuery },
      responses: searchResponses,
    }),
    async (c) => respondJsonText(c, await answer({ ...c.req.valid("query"), day: c.req.valid("param").day })),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/misc/doctors/{name}",
      tags,
      summary: "Doctors whose name matches: case-insensitive word prefixes (`ays` finds Ayesha)",
      description:
        "The name search of the original API, from the search index; the same word rules as `q` of /misc/doctors/search. " +
        "The one name it cannot search for is the word `search` itself, which is the path of /misc/doctors/search (the " +
        "original API's paths are kept): use `/misc/doctors/search?q=search` for that.",
      request: { params: NameParam("ays", freeText), query: PageQuery },
      responses: searchResponses,
    }),
    async (c) =>
      respondJsonText(c, await answer({ ...c.req.valid("query"), name: c.req.valid("param").name })),
  );
}
