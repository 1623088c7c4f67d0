import { describe, expect, it } from "vitest";
import { FencingUnitOfWork, parseLsn } from "../../../src/adapters/postgres/read-routing.pg.js";
import { err, ok } from "../../../src/domain/shared/result.js";
import type { TransactionScope, UnitOfWork } from "../../../src/ports/unit-of-work.js";

describe("write fence", () => {
  it("reads a PostgreSQL LSN as one number, ordered as the WAL is", () => {
    expect(parseLsn("0/0")).toBe(0n);
    expect(parseLsn("16/B374D848")).toBe(0x16b374d848n);
    expect(parseLsn("1/0") > parseLsn("0/FFFFFFFF")).toBe(true);
    expect(() => parseLsn("16B374D848")).toThrow(/LSN/);
  });

  it("raises the fence after a committed transaction only, before the command's answer", async () => {
    const steps: string[] = [];
    const inner: UnitOfWork = {
      run: async (work) => {
        const result = await work({} as TransactionScope);
        steps.push(result.ok ? "committed" : "rolled back");
        return result;
      },
    };
    const uow = new FencingUnitOfWork(inner, { fenceAfterCommit: async () => void steps.push("fenced") });
    expect(await uow.run(async () => ok(1))).toEqual(ok(1));
    const refused = err({ kind: "conflict", code: "x", detail: "no" } as never);
    expect(await uow.run(async () => refused)).toEqual(refused);
    expect(steps).toEqual(["committed", "fenced", "rolled back"]);
  });
});
