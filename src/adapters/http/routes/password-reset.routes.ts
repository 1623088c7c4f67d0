import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type {
  ConfirmPasswordReset,
  RequestPasswordReset,
} from "../../../application/commands/accounts/password-reset.js";
import type { App, AppEnv } from "../app.js";
import { appErrorResponse, problemAnswer, problemResponses } from "../problem.js";
import { respondNoContent } from "../respond.js";
import { jsonBody, jsonContent } from "../schemas/openapi.js";
import { singleLineText } from "../text.js";

const PasswordResetRequestSchema = z
  .object({ email: singleLineText({ max: 320 }).openapi({ example: "ayesha.khan@example.com" }) })
  .openapi("PasswordResetRequest");

const ACCEPTED = {
  status: "accepted",
  detail: "If an account uses this address, a link to reset its password is on its way.",
} as const;

const PasswordResetAcceptedSchema = z
  .object({
    status: z.literal("accepted"),
    detail: z.string(),
  })
  .openapi("PasswordResetAccepted", { example: ACCEPTED });

const PasswordResetConfirmSchema = z
  .object({
    token: singleLineText({ max: 200 }).openapi({
      description: "The token of the mailed link (the part after `#token=`).",
      example: "q3v8b5n6z2a4s7d9f3g5h8j2k4l6m8p3k2m7q4x9",
    }),
    new_password: singleLineText().openapi({
      minLength: 8,
      maxLength: 128,
      description:
        "As at registration: 8 to 128 characters, not on a list of common passwords (400 naming `new_password`).",
      example: "a longer and newer passphrase",
    }),
  })
  .openapi("PasswordResetConfirm");

const requestReset = createRoute({
  method: "post",
  path: "/auth/password_reset",
  tags: ["Auth"],
  summary: "Ask for a password reset link by email",
  description:
    "Always 202 with the same body, whether or not an account uses the address, and with the same work " +
    "done either way. When one does, the workers mail it a link `{PUBLIC_BASE_URL}/password_reset#token=…` " +
    "(only when mail is configured) whose token works once, for 30 minutes. Limited per client " +
    "(`PASSWORD_RESETS_PER_HOUR`, shared with the confirmation) and per address " +
    "(`PASSWORD_RESETS_PER_EMAIL_PER_HOUR`): 429 with `Retry-After`.",
  request: { body: jsonBody(PasswordResetRequestSchema) },
  responses: {
    202: {
      description: "Accepted (whatever the address)",
      content: jsonContent(PasswordResetAcceptedSchema),
    },
    ...problemResponses(400, 429),
  },
});

const confirmReset = createRoute({
  method: "post",
  path: "/auth/password_reset/confirm",
  tags: ["Auth"],
  summary: "Set a new password with a mailed reset token; every session is revoked",
  description:
    "Sets the account's password (the registration rule) and revokes every session of the account, in one " +
    "step; the token, and any other reset link of the account, stops working. An unknown, used or expired " +
    "token answers 400 `invalid_reset_token` and changes nothing. Limited per client with the request " +
    "(`PASSWORD_RESETS_PER_HOUR`).",
  request: { body: jsonBody(PasswordResetConfirmSchema) },
  responses: {
    204: { description: "The password is changed; no earlier session works" },
    ...problemAnswer(400, "Invalid body, a refused `new_password`, or `invalid_reset_token`", [
      {
        code: "invalid_reset_token",
        detail: "The reset link is unknown, already used or expired; ask for a new one.",
      },
    ]),
    ...problemResponses(429),
  },
});

export function registerPasswordResetRoutes(
  app: App,
  deps: {
    requestPasswordReset: RequestPasswordReset;
    confirmPasswordReset: ConfirmPasswordReset;
    /** Per client, before anything else runs. */
    resetLimit: MiddlewareHandler<AppEnv>;
  },
) {
  app.openapi({ ...requestReset, middleware: [deps.resetLimit] as const }, async (c) => {
    const result = await deps.requestPasswordReset.execute(c.req.valid("json"));
    if (!result.ok) return appErrorResponse(c, result.error);
    return c.json(ACCEPTED, 202);
  });

  app.openapi({ ...confirmReset, middleware: [deps.resetLimit] as const }, async (c) => {
    const body = c.req.valid("json");
    const result = await deps.confirmPasswordReset.execute({
      token: body.token,
      newPassword: body.new_password,
    });
    return respondNoContent(c, result);
  });
}
