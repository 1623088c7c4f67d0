import { describe, expect, it } from "vitest";
import { DecodeSlots } from "../../../src/adapters/media/decode-slots.js";

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};
const tick = () => new Promise((r) => setImmediate(r));

describe("decode slots", () => {
  it("let two decodes run at once; a third waits until one ends, then runs", async () => {
    const slots = new DecodeSlots(2);
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      slots.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(slots.state).toEqual({ running: 2, waiting: 1 });

    gates[1]?.resolve();
    expect(await runs[1]).toBe(1);
    await tick();
    expect(started).toEqual([0, 1, 2]);
    expect(slots.state).toEqual({ running: 2, waiting: 0 });

    gates[0]?.resolve();
    gates[2]?.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(slots.state).toEqual({ running: 0, waiting: 0 });
  });

  it("free the slot when a decode fails", async () => {
    const slots = new DecodeSlots(1);
    await expect(slots.run(() => Promise.reject(new Error("corrupt")))).rejects.toThrow("corrupt");
    expect(await slots.run(async () => "next")).toBe("next");
    expect(slots.state).toEqual({ running: 0, waiting: 0 });
  });

  it("serve waiters first come, first served", async () => {
    const slots = new DecodeSlots(1);
    const order: number[] = [];
    const gate = deferred();
    const first = slots.run(() => gate.promise);
    const rest = [1, 2, 3].map((i) => slots.run(async () => void order.push(i)));
    gate.resolve();
    await Promise.all([first, ...rest]);
    expect(order).toEqual([1, 2, 3]);
  });

  it("refuse a size below one", () => {
    expect(() => new DecodeSlots(0)).toThrow(RangeError);
  });
});
