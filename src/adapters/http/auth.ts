import type { Context, MiddlewareHandler } from "hono";
import { appError } from "../../domain/shared/result.js";
import type { Role } from "../../domain/user/user.js";
import type { Authenticator } from "../../ports/authenticator.js";
import type { AppEnv } from "./app.js";
import { appErrorResponse } from "./problem.js";

const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)[ ]*$/i;

const unauthenticated = appError("unauthenticated", "unauthenticated", "A valid bearer token is required.");

/** The token of an `Authorization: Bearer …` header, or null when there is none. */
export const bearerToken = (c: Context): string | null =>
  BEARER.exec(c.req.header("authorization") ?? "")?.[1] ?? null;

/** The one authentication gate: a missing, unknown, expired or revoked token answers 401. */
export function requireAuth(authenticator: Authenticator): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c);
    const principal = token ? await authenticator.authenticate(token) : null;
    if (!principal) return appErrorResponse(c, unauthenticated);
    c.set("principal", principal);
    await next();
  };
}

/** Role gate, after requireAuth: a signed-in caller without the role answers 403. */
export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!roles.includes(c.get("principal").role)) {
      return appErrorResponse(
        c,
        appError("forbidden", "forbidden", `Only a ${roles.join(" or ")} account may do this.`),
      );
    }
    await next();
  };
}
