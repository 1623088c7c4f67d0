import { DEFAULT_LIMITS, type LimitName, limitReached } from "../../domain/user/limits.js";
import { ownSlot } from "../../domain/user/ownership.js";
import { problemAnswer } from "./problem.js";

/** The documented answers of the trust rules (API.md "Trust and limits") on the routes they guard. */

export const ownSlotAnswer = problemAnswer(
  403,
  "`own_slot`: the caller is the doctor of this slot, which it may not book, wait for or rate, whoever " +
    "the patient is",
  [{ code: "own_slot", detail: ownSlot.detail }],
);

/**
 * 409 for a route's own conflicts (`conflicts`, e.g. "`sitting_full`: …") and for the caps it is subject
 * to: `limit_reached`, the detail naming the limit (the examples show the default limits).
 */
export const conflictAnswer = (conflicts: string, limits: readonly LimitName[]) =>
  problemAnswer(
    409,
    `${conflicts ? `${conflicts}; ` : ""}\`limit_reached\`: a cap is reached, the detail names it`,
    limits.map((name) => ({
      code: "limit_reached",
      name: `limit_reached_${name}`,
      detail: limitReached(DEFAULT_LIMITS, name).detail,
    })),
  );
