import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { appError, err, ok } from "../../src/domain/shared/result.js";
import type { UnitOfWork } from "../../src/ports/unit-of-work.js";

/**
 * The contract of UnitOfWork, run against the in-memory fake (tests/unit) and PostgreSQL
 * (tests/integration): a refused Result and a violated rule both leave nothing behind, and a violated
 * rule with a domain meaning comes back as that domain error (a 409), never as a thrown error.
 */
export function unitOfWorkContract(name: string, makeUow: () => UnitOfWork) {
  describe(`${name} unit of work`, () => {
    const account = (email: string) => ({
      name: "Contract",
      email,
      role: "user" as const,
      passwordHash: "x",
    });
    const exists = async (uow: UnitOfWork, email: string) => {
      const found = await uow.run(async ({ users }) => ok(await users.credentialsByEmail(email)));
      return found.ok && found.value !== null;
    };

    it("commits what a successful command wrote", async () => {
      const uow = makeUow();
      const email = `uow-${randomUUID()}@example.test`;
      expect((await uow.run(async ({ users }) => ok(await users.add(account(email))))).ok).toBe(true);
      expect(await exists(uow, email)).toBe(true);
    });

    it("rolls back everything a command wrote when it answers a failed Result", async () => {
      const uow = makeUow();
      const email = `uow-${randomUUID()}@example.test`;
      const refused = await uow.run(async ({ users }) => {
        await users.add(account(email));
        return err(appError("conflict", "changed_my_mind", "No."));
      });
      expect(refused).toMatchObject({ ok: false, error: { code: "changed_my_mind" } });
      expect(await exists(uow, email)).toBe(false);
    });

    it("answers a violated rule as its domain error and keeps nothing of that command", async () => {
      const uow = makeUow();
      const [taken, other] = [`uow-${randomUUID()}@example.test`, `uow-${randomUUID()}@example.test`];
      await uow.run(async ({ users }) => ok(await users.add(account(taken))));
      const second = await uow.run(async ({ users }) => {
        await users.add(account(other));
        return ok(await users.add(account(taken)));
      });
      expect(second).toMatchObject({ ok: false, error: { kind: "conflict", code: "email_taken" } });
      expect(await exists(uow, other)).toBe(false);
    });
  });
}
