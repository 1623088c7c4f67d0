import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { AttemptLimiter } from "../../src/ports/rate-limiter.js";

export const LIMITER_WINDOW_SECONDS = 2;
export const LIMITER_MAX = 2;

/** One contract, run against the fake and the real limiter, so that the fake stays honest. */
export function limiterContract(
  name: string,
  make: () => AttemptLimiter,
  wait: (ms: number) => Promise<void>,
) {
  describe(`${name} attempt limiter`, () => {
    it("allows its attempts, then refuses until the window ends, with the seconds to wait", async () => {
      const limiter = make();
      const key = `pair:${randomUUID()}`;
      expect(await limiter.take(key)).toEqual({ allowed: true });
      expect(await limiter.take(key)).toEqual({ allowed: true });
      const refused = await limiter.take(key);
      expect(refused.allowed).toBe(false);
      if (!refused.allowed) {
        expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
        expect(refused.retryAfter).toBeLessThanOrEqual(LIMITER_WINDOW_SECONDS);
      }
      expect((await limiter.take(`pair:${randomUUID()}`)).allowed).toBe(true);
      await wait(LIMITER_WINDOW_SECONDS * 1000 + 100);
      expect(await limiter.take(key)).toEqual({ allowed: true });
    });

    it("gives an attempt back and forgets a key on clear", async () => {
      const limiter = make();
      const key = `pair:${randomUUID()}`;
      await limiter.take(key);
      await limiter.take(key);
      await limiter.giveBack(key);
      expect((await limiter.take(key)).allowed).toBe(true);
      expect((await limiter.take(key)).allowed).toBe(false);
      await limiter.clear(key);
      expect((await limiter.take(key)).allowed).toBe(true);
    });

    it("counts parallel attempts exactly: of 30 at once, only its limit is allowed", async () => {
      const limiter = make();
      const key = `pair:${randomUUID()}`;
      const answers = await Promise.all(Array.from({ length: 30 }, () => limiter.take(key)));
      expect(answers.filter((a) => a.allowed)).toHaveLength(LIMITER_MAX);
    });
  });
}
