import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { ChangePassword } from "../../../application/commands/accounts/change-password.js";
import type { EraseAccount } from "../../../application/commands/accounts/erase-account.js";
import type { RegisterUser } from "../../../application/commands/accounts/register-user.js";
import type { UserQueries } from "../../../application/queries/accounts/user.queries.js";
import type { User } from "../../../domain/user/account.js";
import { ROLES } from "../../../domain/user/user.js";
import type { Authenticator } from "../../../ports/authenticator.js";
import type { App, AppEnv } from "../app.js";
import { requireAuth } from "../auth.js";
import type { ClientAddresses } from "../client-address.js";
import { appErrorResponse, problemAnswer, problemResponses } from "../problem.js";
import { respondNoContent } from "../respond.js";
import { bearer, jsonBody } from "../schemas/openapi.js";
import { singleLineText } from "../text.js";

const UserSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    email: z.string().openapi({ format: "email" }),
    role: z.enum(ROLES),
    registered_at: z.string().openapi({ format: "date-time" }),
    confirmed: z.boolean(),
  })
  .openapi("User", {
    example: {
      id: 42,
      name: "Ayesha Khan",
      email: "ayesha.khan@example.com",
      role: "user",
      registered_at: "2026-12-01T09:30:00.000Z",
      confirmed: false,
    },
  });

// Lengths are checked by the domain (in characters, not UTF-16 units); here they are only documented.
const RegistrationSchema = z
  .object({
    name: singleLineText().openapi({ minLength: 1, maxLength: 100, example: "Ayesha Khan" }),
    email: singleLineText().openapi({
      format: "email",
      maxLength: 254,
      description: "Trimmed and lower-cased; one account per address.",
      example: "Ayesha.Khan@example.com",
    }),
    password: singleLineText().openapi({
      minLength: 8,
      maxLength: 128,
      description:
        "8 to 128 characters, and not on a list of common passwords (compared whatever the case; refused " +
        "with 400 naming `password`). Stored only as an Argon2id hash.",
      example: "correct horse battery staple",
    }),
    role: singleLineText()
      .optional()
      .openapi({
        enum: ["user"],
        description:
          'Optional. Only "user" is accepted: doctor accounts come from POST /doctors/new and admins from the command line.',
      }),
  })
  .openapi("Registration");

const toUserJson = (user: User): z.infer<typeof UserSchema> => ({
  id: user.id,
  name: user.name,
  email: user.email,
  role: user.role,
  registered_at: user.registeredAt.toISOString(),
  confirmed: user.confirmed,
});

const register = createRoute({
  method: "post",
  path: "/users/register",
  tags: ["Users"],
  summary: "Create an account (role user)",
  description: "Limited per client (429 with `Retry-After` past `REGISTRATIONS_PER_HOUR`, default 20).",
  request: { body: { required: true, content: { "application/json": { schema: RegistrationSchema } } } },
  responses: {
    201: { description: "The new account", content: { "application/json": { schema: UserSchema } } },
    ...problemResponses(400, 409, 429),
  },
});

const info = createRoute({
  method: "get",
  path: "/users/info",
  tags: ["Users"],
  summary: "The signed-in account",
  description:
    "The account of the bearer token: name, email, role, registration time. Only ever shown to that account.",
  security: [{ bearerAuth: [] }],
  responses: {
    200: { description: "The caller's account", content: { "application/json": { schema: UserSchema } } },
    ...problemResponses(401),
  },
});

const PasswordChangeSchema = z
  .object({
    current_password: singleLineText({ max: 1024 }).openapi({ example: "correct horse battery staple" }),
    new_password: singleLineText().openapi({
      minLength: 8,
      maxLength: 128,
      description:
        "As at registration: 8 to 128 characters, not on a list of common passwords (400 naming `new_password`).",
      example: "a longer and newer passphrase",
    }),
  })
  .openapi("PasswordChange");

const changePassword = createRoute({
  method: "put",
  path: "/users/password",
  tags: ["Users"],
  summary: "Change the account's password; every other session is revoked",
  description:
    "The session of this request stays signed in; every other session of the account is revoked at once. " +
    "A wrong `current_password` answers 401 `wrong_password` and counts as a failed sign-in of the client " +
    "for this account's email: the same limits as POST /auth/get_token (429 with `Retry-After`).",
  security: bearer,
  request: { body: jsonBody(PasswordChangeSchema) },
  responses: {
    204: { description: "Changed; the other sessions no longer work" },
    ...problemResponses(400),
    ...problemAnswer(401, "No valid bearer token, or `wrong_password`: the current password is wrong", [
      { code: "unauthenticated", detail: "A valid bearer token is required." },
      { code: "wrong_password", detail: "The current password is wrong." },
    ]),
    ...problemResponses(429),
  },
});

const ErasureSchema = z
  .object({
    password: singleLineText({ max: 1024 }).openapi({
      example: "correct horse battery staple",
      description: "The account's password, checked as a sign-in checks it",
    }),
  })
  .openapi("AccountErasure");

const eraseAccount = createRoute({
  method: "delete",
  path: "/users/info",
  tags: ["Users"],
  summary: "Erase the account and its data (right to erasure)",
  description:
    "In one step: every session is revoked; every patient of the account is deleted as DELETE /patient/{id} " +
    "does (live future appointments cancelled, seats handed to the waitlist, waiting entries ended, name and " +
    "symptoms erased); notifications are deleted; the account is anonymised and its email can register again. " +
    "A doctor's upcoming sittings are closed first (its patients told why) and it leaves search, `/doctors/all` " +
    "and its public profile. Past visits stay, anonymised, so doctors' counts and ratings do not change. A wrong " +
    "password answers 401 `wrong_password` and counts as a failed sign-in.",
  security: bearer,
  request: { body: jsonBody(ErasureSchema) },
  responses: {
    204: { description: "Erased; the token no longer works" },
    ...problemResponses(400),
    ...problemAnswer(401, "No valid bearer token, or `wrong_password`", [
      { code: "unauthenticated", detail: "A valid bearer token is required." },
      { code: "wrong_password", detail: "The current password is wrong." },
    ]),
    ...problemResponses(429),
  },
});

export function registerUserRoutes(
  app: App,
  deps: {
    authenticator: Authenticator;
    registerUser: RegisterUser;
    userQueries: UserQueries;
    changePassword: ChangePassword;
    eraseAccount: EraseAccount;
    clients: ClientAddresses;
    registrationLimit: MiddlewareHandler<AppEnv>;
  },
) {
  app.openapi({ ...register, middleware: [deps.registrationLimit] as const }, async (c) => {
    const result = await deps.registerUser.execute(c.req.valid("json"));
    if (!result.ok) return appErrorResponse(c, result.error);
    return c.json(toUserJson(result.value), 201, { location: "/users/info" });
  });

  app.openapi({ ...info, middleware: [requireAuth(deps.authenticator)] as const }, async (c) => {
    const result = await deps.userQueries.info(c.get("principal").userId);
    if (!result.ok) return appErrorResponse(c, result.error);
    return c.json(toUserJson(result.value), 200);
  });

  app.openapi({ ...changePassword, middleware: [requireAuth(deps.authenticator)] as const }, async (c) => {
    const body = c.req.valid("json");
    const result = await deps.changePassword.execute(c.get("principal"), {
      currentPassword: body.current_password,
      newPassword: body.new_password,
      client: deps.clients.of(c),
    });
    return respondNoContent(c, result);
  });

  app.openapi({ ...eraseAccount, middleware: [requireAuth(deps.authenticator)] as const }, async (c) => {
    const result = await deps.eraseAccount.execute(c.get("principal"), {
      password: c.req.valid("json").password,
      client: deps.clients.of(c),
    });
    return respondNoContent(c, result);
  });
}
