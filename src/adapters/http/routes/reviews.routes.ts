/** Ratings of fulfilled visits and a doctor's public reviews. */
import { createRoute, z } from "@hono/zod-openapi";
import type { RateAppointment } from "../../../application/commands/visits/rate-appointment.js";
import type { VisitQueries } from "../../../application/queries/visits/visit.queries.js";
import { ok } from "../../../domain/shared/result.js";
import type { Authenticator } from "../../../ports/authenticator.js";
import type { App } from "../app.js";
import { requireAuth } from "../auth.js";
import { problemResponses } from "../problem.js";
import { respond, respondPublicRead } from "../respond.js";
import { IdParam, instant } from "../schemas/fields.js";
import { bearer, jsonBody, jsonContent, publicReadResponses } from "../schemas/openapi.js";
import { PageQuery, pageOfSchema, toPageRequest } from "../schemas/pages.js";
import { multiLineText } from "../text.js";
import { ownSlotAnswer } from "../trust-answers.js";

export interface ReviewRouteDeps {
  readonly authenticator: Authenticator;
  readonly visits: VisitQueries;
  readonly rateAppointment: RateAppointment;
}

const RatingBody = z
  .object({
    rating: z.number().int().min(1).max(5).openapi({ example: 5 }),
    review: multiLineText({ max: 2000 }).nullish().openapi({ example: "Listened carefully, on time." }),
  })
  .openapi("NewRating");

const RatingSchema = z
  .object({
    id: z.number().int(),
    rating: z.number().int(),
    review: z.string().nullable(),
    created_at: instant("2026-12-01T09:30:00.000Z"),
  })
  .openapi("Rating", {
    example: { id: 9, rating: 5, review: "Calm and thorough.", created_at: "2026-12-01T09:30:00.000Z" },
  });

const Review = z
  .object({
    rating: z.number().int(),
    review: z.string().nullable(),
    created_at: instant("2026-12-01T09:30:00.000Z"),
  })
  .openapi("Review", {
    example: { rating: 5, review: "Calm and thorough.", created_at: "2026-12-01T09:30:00.000Z" },
  });

export function registerReviewRoutes(app: App, deps: ReviewRouteDeps) {
  const signedIn = requireAuth(deps.authenticator);

  app.openapi(
    createRoute({
      method: "post",
      path: "/patient/appointment/{id}/rating",
      tags: ["Visits"],
      summary: "Rate a fulfilled visit, once (owner only)",
      description:
        "1–5 with an optional review; the doctor's `rating` is the mean of its ratings. A doctor cannot rate its own visits (403).",
      security: bearer,
      middleware: [signedIn],
      request: { params: IdParam, body: jsonBody(RatingBody) },
      responses: {
        201: { description: "The rating", content: jsonContent(RatingSchema) },
        ...problemResponses(400, 401, 404, 409),
        ...ownSlotAnswer,
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const rated = await deps.rateAppointment.execute(c.get("principal"), c.req.valid("param").id, {
        rating: body.rating,
        review: body.review ?? null,
      });
      const view = rated.ok
        ? ok({
            id: rated.value.id,
            rating: rated.value.rating,
            review: rated.value.review,
            created_at: rated.value.createdAt.toISOString(),
          })
        : rated;
      return respond(c, view, 201, () => `/patient/appointment/${c.req.valid("param").id}`);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/doctors/{id}/reviews",
      tags: ["Visits"],
      summary: "A doctor's reviews, newest first",
      description: "A doctor not verified by an admin (or suspended) is answered as missing: 404.",
      request: { params: IdParam, query: PageQuery },
      responses: {
        ...publicReadResponses("A page of reviews", pageOfSchema(Review, "ReviewPage")),
        ...problemResponses(400, 404),
      },
    }),
    async (c) =>
      respondPublicRead(
        c,
        await deps.visits.reviews(c.req.valid("param").id, toPageRequest(c.req.valid("query"))),
      ),
  );
}
