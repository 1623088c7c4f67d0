import { closedReasonOf } from "../../../domain/sitting/sitting-book.js";
import type { Slot } from "../../../domain/slot/slot.js";
import type { Closures } from "../../../ports/doctor.read-model.js";

/**
 * The slots whose sittings can fall between the dates `closures` was read for: those in service, and
 * those retired later than the first date (each with the date its sittings stop).
 */
export const slotsHoldingSittings = (inService: readonly Slot[], closures: Closures) => [
  ...inService.map((slot) => ({ slot, retiredFrom: null as string | null })),
  ...closures.retiredSlots,
];

/** Why the doctor's sittings on `date` do not take place (a time off), or null; as the sitting book says. */
export const closedReasonOn = (closures: Closures, date: string): string | null => {
  const timeOff = closures.timeOff.find((t) => t.from <= date && date <= t.to);
  return closedReasonOf({ retired: false, timeOff: timeOff ? (timeOff.reason ?? "") : null });
};
