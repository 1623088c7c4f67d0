import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type {
  RevokeSession,
  SignOutEverywhere,
} from "../../../application/commands/accounts/manage-sessions.js";
import type { SignIn } from "../../../application/commands/accounts/sign-in.js";
import type { SignOut } from "../../../application/commands/accounts/sign-out.js";
import type { SessionQueries } from "../../../application/queries/accounts/session.queries.js";
import { type AppError, appError, ok } from "../../../domain/shared/result.js";
import type { Authenticator } from "../../../ports/authenticator.js";
import type { App } from "../app.js";
import { bearerToken, requireAuth } from "../auth.js";
import type { ClientAddresses } from "../client-address.js";
import { appErrorResponse, problemAnswer, problemResponses } from "../problem.js";
import { respond, respondNoContent } from "../respond.js";
import { IdParam, instant } from "../schemas/fields.js";
import { bearer, jsonContent } from "../schemas/openapi.js";
import { singleLineText } from "../text.js";

const CredentialsSchema = z
  .object({
    email: singleLineText({ max: 320 }).openapi({ example: "ayesha.khan@example.com" }),
    password: singleLineText({ max: 1024 }).openapi({ example: "correct horse battery staple" }),
  })
  .openapi("Credentials");

const TokenSchema = z
  .object({
    token: z.string().openapi({
      description: "Send as `Authorization: Bearer <token>`. Shown once; the server keeps only its SHA-256.",
      example: "k2m7q4x9c3v8b5n6z2a4s7d9f3g5h8j2k4l6m8p3",
    }),
    expires_at: z.string().openapi({
      format: "date-time",
      description:
        "When the token lapses unless used; each use moves this forward (sliding expiry), but never past " +
        "SESSION_MAX_DAYS (default 90) after sign-in, when the session ends however often it is used.",
      example: "2027-01-06T09:30:00.000Z",
    }),
  })
  .openapi("Token", {
    example: { token: "k2m7q4x9c3v8b5n6z2a4s7d9f3g5h8j2k4l6m8p3", expires_at: "2027-01-06T09:30:00.000Z" },
  });

const getToken = createRoute({
  method: "post",
  path: "/auth/get_token",
  tags: ["Auth"],
  summary: "Sign in: exchange email and password for a bearer token",
  description:
    "Credentials go either in an HTTP Basic header (`email:password`) or in a JSON body; Basic wins when both are sent. " +
    "Attempts are counted before the password is checked: a client with `LOGIN_MAX_FAILURES` (10) failures for one " +
    "email in `LOGIN_WINDOW_SECONDS` is refused for that email, a client with `LOGIN_MAX_DAILY_FAILURES` (100) failures " +
    "in a day for every email (429 with `Retry-After`). A success clears the client's failures for that email; " +
    "failures from other clients never refuse the owner.",
  security: [{ basicAuth: [] }, {}],
  request: { body: { required: false, content: { "application/json": { schema: CredentialsSchema } } } },
  responses: {
    200: { description: "A new session", content: { "application/json": { schema: TokenSchema } } },
    ...problemResponses(400, 401, 429),
  },
});

const logout = createRoute({
  method: "put",
  path: "/auth/logout",
  tags: ["Auth"],
  summary: "Sign out: revoke the token used for this request (other sessions stay signed in)",
  description:
    "The token stops working at once, in every API process; the account's other sessions are untouched.",
  security: [{ bearerAuth: [] }],
  responses: { 204: { description: "The token no longer works" }, ...problemResponses(401) },
});

const SessionSchema = z
  .object({
    id: z.number().int(),
    created_at: instant("2026-12-01T09:30:00.000Z").openapi({ description: "Sign-in time" }),
    last_used_at: instant("2026-12-03T08:15:00.000Z").openapi({
      description: "The last authenticated request, recorded at most once a minute",
    }),
    expires_at: instant("2027-01-02T08:15:00.000Z").openapi({
      description: "When the session lapses unless used (never past SESSION_MAX_DAYS after sign-in)",
    }),
    current: z.boolean().openapi({ description: "The session of this request" }),
  })
  .openapi("Session");

const SessionList = z.object({ data: z.array(SessionSchema) }).openapi("SessionList", {
  example: {
    data: [
      {
        id: 12,
        created_at: "2026-12-03T08:00:00.000Z",
        last_used_at: "2026-12-03T08:15:00.000Z",
        expires_at: "2027-01-02T08:15:00.000Z",
        current: true,
      },
      {
        id: 7,
        created_at: "2026-11-20T18:40:00.000Z",
        last_used_at: "2026-11-28T21:05:00.000Z",
        expires_at: "2026-12-28T21:05:00.000Z",
        current: false,
      },
    ],
  },
});

const listSessions = createRoute({
  method: "get",
  path: "/auth/sessions",
  tags: ["Auth"],
  summary: "The account's live sessions (signed-in devices)",
  description:
    "Every session of the caller's account that is neither revoked nor expired, newest first; `current` marks " +
    "the one of this request. Tokens are never shown again.",
  security: bearer,
  responses: {
    200: { description: "The live sessions", content: jsonContent(SessionList) },
    ...problemResponses(401),
  },
});

const signOutEverywhere = createRoute({
  method: "delete",
  path: "/auth/sessions",
  tags: ["Auth"],
  summary: "Sign out everywhere: revoke every session of the account, this one included",
  description: "Every token of the account stops working at once, the one used for this request too.",
  security: bearer,
  responses: { 204: { description: "No token of the account works any more" }, ...problemResponses(401) },
});

const revokeSession = createRoute({
  method: "delete",
  path: "/auth/sessions/{id}",
  tags: ["Auth"],
  summary: "Revoke one of the account's sessions",
  description:
    "The session's token stops working at once. Another account's session, an unknown id and an ended " +
    "session are all answered 404 `session_not_found`.",
  security: bearer,
  request: { params: IdParam },
  responses: {
    204: { description: "The session's token no longer works" },
    ...problemResponses(400, 401),
    ...problemAnswer(404, "`session_not_found`: no such live session among the caller's", [
      { code: "session_not_found", detail: "No such live session among the caller's." },
    ]),
  },
});

type Credentials = z.infer<typeof CredentialsSchema>;

const BASIC = /^Basic[ ]+([A-Za-z0-9+/]+=*)[ ]*$/i;

/**
 * `Authorization: Basic base64(email:password)`; the password may itself contain ':'. The decoded pair
 * obeys the same rules as a JSON body (no control characters: Postgres refuses NUL), else the field
 * errors name `authorization.email` or `authorization.password`.
 */
function basicCredentials(header: string | undefined): Credentials | AppError | null {
  if (!header || !/^Basic\b/i.test(header)) return null;
  const encoded = BASIC.exec(header)?.[1];
  if (!encoded) return malformedBasic;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return malformedBasic;
  const parsed = CredentialsSchema.safeParse({
    email: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
  });
  if (parsed.success) return parsed.data;
  return appError("validation", "validation_failed", "The request is not valid.", {
    errors: parsed.error.issues.map((i) => ({
      path: ["authorization", ...i.path].join("."),
      message: i.message,
    })),
  });
}

/**
 * The JSON body, when there is one. The route's validator has already refused a JSON body of the wrong
 * shape (400); a body is optional here, so its type does not reach the handler, hence the re-parse.
 */
async function jsonCredentials(c: Context): Promise<Credentials | null> {
  if (!/^application\/([a-z-.]+\+)?json/i.test(c.req.header("content-type") ?? "")) return null;
  const parsed = CredentialsSchema.safeParse(await c.req.json().catch(() => null));
  return parsed.success ? parsed.data : null;
}

const missingCredentials = appError(
  "validation",
  "credentials_missing",
  "Send email and password as HTTP Basic credentials or as a JSON body.",
  { errors: [{ path: "body", message: "email and password are required" }] },
);

const malformedBasic = appError(
  "validation",
  "credentials_malformed",
  "The Basic credentials must be base64 of email:password.",
  { errors: [{ path: "authorization", message: "must be Basic base64(email:password)" }] },
);

export function registerAuthRoutes(
  app: App,
  deps: {
    authenticator: Authenticator;
    signIn: SignIn;
    signOut: SignOut;
    sessions: SessionQueries;
    revokeSession: RevokeSession;
    signOutEverywhere: SignOutEverywhere;
    clients: ClientAddresses;
  },
) {
  const signedIn = requireAuth(deps.authenticator);
  app.openAPIRegistry.registerComponent("securitySchemes", "basicAuth", {
    type: "http",
    scheme: "basic",
    description: "email:password, for POST /auth/get_token only.",
  });

  app.openapi(getToken, async (c) => {
    const basic = basicCredentials(c.req.header("authorization"));
    if (basic && "kind" in basic) return appErrorResponse(c, basic);
    const credentials = basic ?? (await jsonCredentials(c));
    if (!credentials) return appErrorResponse(c, missingCredentials);
    const result = await deps.signIn.execute({ ...credentials, client: deps.clients.of(c) });
    if (!result.ok) return appErrorResponse(c, result.error);
    return c.json({ token: result.value.token, expires_at: result.value.expiresAt.toISOString() }, 200, {
      "cache-control": "no-store",
    });
  });

  app.openapi({ ...logout, middleware: [requireAuth(deps.authenticator)] as const }, async (c) => {
    // requireAuth has just accepted this very token.
    const token = bearerToken(c) ?? "";
    const result = await deps.signOut.execute(token);
    if (!result.ok) return appErrorResponse(c, result.error);
    return c.body(null, 204);
  });

  app.openapi({ ...listSessions, middleware: [signedIn] as const }, async (c) =>
    respond(c, ok(await deps.sessions.live(c.get("principal"))), 200),
  );

  app.openapi({ ...signOutEverywhere, middleware: [signedIn] as const }, async (c) => {
    const result = await deps.signOutEverywhere.execute(c.get("principal"));
    return respondNoContent(c, result);
  });

  app.openapi({ ...revokeSession, middleware: [signedIn] as const }, async (c) => {
    const result = await deps.revokeSession.execute(c.get("principal"), c.req.valid("param").id);
    return respondNoContent(c, result);
  });
}
