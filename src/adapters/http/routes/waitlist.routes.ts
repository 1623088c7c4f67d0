/** Waiting for a seat in a full sitting. */
import { createRoute, z } from "@hono/zod-openapi";
import type { JoinWaitlist, LeaveWaitlist } from "../../../application/commands/booking/waitlist.js";
import type { Authenticator } from "../../../ports/authenticator.js";
import type { App } from "../app.js";
import { requireAuth } from "../auth.js";
import { problemResponses } from "../problem.js";
import { respond, respondNoContent } from "../respond.js";
import { DateString, IdParam, MAX_ROW_ID } from "../schemas/fields.js";
import { bearer, jsonBody, jsonContent } from "../schemas/openapi.js";
import { conflictAnswer, ownSlotAnswer } from "../trust-answers.js";

export interface WaitlistRouteDeps {
  readonly authenticator: Authenticator;
  readonly joinWaitlist: JoinWaitlist;
  readonly leaveWaitlist: LeaveWaitlist;
}

const WaitlistBody = z
  .object({
    slot_id: z.number().int().min(1).max(MAX_ROW_ID),
    patient_id: z.number().int().min(1).max(MAX_ROW_ID),
    date: DateString,
  })
  .openapi("NewWaitlistEntry");

const WaitlistEntry = z
  .object({ id: z.number().int(), position: z.number().int().openapi({ description: "1 = next in line" }) })
  .openapi("WaitlistEntry", { example: { id: 14, position: 2 } });

export function registerWaitlistRoutes(app: App, deps: WaitlistRouteDeps) {
  const signedIn = requireAuth(deps.authenticator);

  app.openapi(
    createRoute({
      method: "post",
      path: "/patient/waitlist",
      tags: ["Visits"],
      summary: "Wait for a seat in a full sitting; a freed seat goes to the first one waiting",
      description:
        "For a full sitting only (else 409: book instead). When a seat frees up, the first waiting patient is booked into it and notified.",
      security: bearer,
      middleware: [signedIn],
      request: { body: jsonBody(WaitlistBody) },
      responses: {
        201: { description: "The entry and its place in line", content: jsonContent(WaitlistEntry) },
        ...problemResponses(400, 401, 404),
        ...ownSlotAnswer,
        ...conflictAnswer("`sitting_not_full` (book instead), `already_booked`, `already_waiting`", [
          "waitingEntriesPerAccount",
          "seatsPerSittingPerAccount",
        ]),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const joined = await deps.joinWaitlist.execute(c.get("principal"), {
        slotId: body.slot_id,
        patientId: body.patient_id,
        date: body.date,
      });
      return respond(c, joined, 201, (entry) => `/patient/waitlist/${entry.id}`);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/patient/waitlist/{id}",
      tags: ["Visits"],
      summary: "Leave a waitlist (owner only)",
      description: "Removes a waiting entry that has not been seated yet.",
      security: bearer,
      middleware: [signedIn],
      request: { params: IdParam },
      responses: { 204: { description: "Left" }, ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      const left = await deps.leaveWaitlist.execute(c.get("principal"), c.req.valid("param").id);
      return respondNoContent(c, left);
    },
  );
}
