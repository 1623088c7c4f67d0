import type { Role } from "./user.js";

/** Who is making a request: the signed-in account and its role. */
export interface Principal {
  readonly userId: number;
  readonly role: Role;
}
