import type { AppError, FieldError, Result } from "../shared/result.js";
import { appError, err, ok } from "../shared/result.js";
import type { Weekday } from "./weekday.js";
import { parseWeekday } from "./weekday.js";

const MINUTES_PER_DAY = 1440;

const APPOINTMENT_DURATION_RANGE = { min: 5, max: 240 } as const;
const NUM_SLOTS_RANGE = { min: 1, max: 200 } as const;
/** The fee is stored as a Postgres `integer`; a larger value must be a 400, not a database error. */
export const MAX_CONSULTATION_FEE = 2_147_483_647;

/** A weekly sitting of one doctor: times are minutes after local midnight in the doctor's time zone. */
export interface Slot {
  readonly id: number;
  readonly doctorId: number;
  readonly day: Weekday;
  readonly startMinute: number;
  readonly appointmentDuration: number;
  readonly numSlots: number;
  readonly consultationFee: number;
}

export type SlotPlan = Omit<Slot, "id" | "doctorId">;

export interface SlotInput {
  readonly day: string;
  readonly start: string;
  readonly appointmentDuration: number;
  readonly numSlots: number;
  readonly consultationFee: number;
}

/** Exclusive end; may be exactly MINUTES_PER_DAY (a sitting ending at midnight) but never more. */
export const slotEndMinute = (s: Pick<Slot, "startMinute" | "appointmentDuration" | "numSlots">): number =>
  s.startMinute + s.appointmentDuration * s.numSlots;

const CLOCK_PATTERN = /^(\d{1,2}):(\d{2})$/;

/** `HH:MM` (or `H:MM`) from 00:00 to 23:59 → minutes after midnight; "24:00" is not a start time. */
export const parseClock = (s: string): number | null => {
  const match = CLOCK_PATTERN.exec(s.trim());
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 23 || minutes > 59) return null;
  return hours * 60 + minutes;
};

/** Minutes after midnight → `HH:MM`; MINUTES_PER_DAY gives "24:00", the end of a slot that ends at midnight. */
export const formatClock = (minute: number): string => {
  if (!Number.isInteger(minute) || minute < 0 || minute > MINUTES_PER_DAY) {
    throw new RangeError(`not a minute of the day: ${minute}`);
  }
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
};

const inRange = (n: number, range: { readonly min: number; readonly max: number }) =>
  Number.isInteger(n) && n >= range.min && n <= range.max;

const overlaps = (a: SlotPlan, b: SlotPlan): boolean =>
  a.day === b.day && a.startMinute < slotEndMinute(b) && b.startMinute < slotEndMinute(a);

/**
 * Why a slot cannot be placed in the doctor's week: it would end after midnight, or overlap one of
 * `others` (the doctor's other live slots) on its day. Null when it fits.
 */
const placementRefusal = (
  plan: SlotPlan,
  others: readonly SlotPlan[],
  overlapVerb: "overlaps" | "would overlap",
): AppError | null => {
  const end = slotEndMinute(plan);
  if (end > MINUTES_PER_DAY) {
    return appError(
      "validation",
      "slot_past_midnight",
      "The slot would end after midnight; a slot may end at 24:00.",
      {
        errors: [
          {
            path: "num_slots",
            message: `the slot would end ${end - MINUTES_PER_DAY} minutes after midnight`,
          },
        ],
      },
    );
  }
  const clash = others.find((other) => overlaps(other, plan));
  if (!clash) return null;
  return appError(
    "conflict",
    "slot_overlap",
    `The slot ${overlapVerb} your ${clash.day} slot ${formatClock(clash.startMinute)}–${formatClock(slotEndMinute(clash))}.`,
  );
};

/**
 * Decides whether a doctor may add a weekly slot, given the doctor's existing slots.
 * Field error paths use the API's snake_case names so the HTTP adapter can pass them through.
 */
export const planSlot = (existing: readonly Slot[], input: SlotInput): Result<SlotPlan> => {
  const errors: FieldError[] = [];
  const day = parseWeekday(input.day);
  if (day === null) errors.push({ path: "day", message: "must be a weekday name, monday to sunday" });
  const startMinute = parseClock(input.start);
  if (startMinute === null)
    errors.push({ path: "start", message: "must be a time HH:MM from 00:00 to 23:59" });
  if (!inRange(input.appointmentDuration, APPOINTMENT_DURATION_RANGE)) {
    errors.push({ path: "appointment_duration", message: "must be a whole number of minutes from 5 to 240" });
  }
  if (!inRange(input.numSlots, NUM_SLOTS_RANGE)) {
    errors.push({ path: "num_slots", message: "must be a whole number from 1 to 200" });
  }
  if (!inRange(input.consultationFee, { min: 0, max: MAX_CONSULTATION_FEE })) {
    errors.push({ path: "consultation_fee", message: "must be a whole number of minor units, 0 or more" });
  }
  if (day === null || startMinute === null || errors.length > 0) {
    return err(appError("validation", "invalid_slot", "The slot is not valid.", { errors }));
  }

  const plan: SlotPlan = {
    day,
    startMinute,
    appointmentDuration: input.appointmentDuration,
    numSlots: input.numSlots,
    consultationFee: input.consultationFee,
  };
  const refusal = placementRefusal(plan, existing, "overlaps");
  if (refusal) return err(refusal);
  return ok(plan);
};

/** What a doctor may change of a slot: the fee and the number of seats (nothing that moves people). */
export interface SlotChange {
  readonly numSlots?: number | undefined;
  readonly consultationFee?: number | undefined;
}

/**
 * The slot after `change`, given the doctor's other live slots: the same ranges as adding one, the end
 * still within the day and clear of the other slots that day. Seats held are checked per sitting.
 */
export const planSlotChange = (slot: Slot, others: readonly Slot[], change: SlotChange): Result<Slot> => {
  if (change.numSlots === undefined && change.consultationFee === undefined) {
    return err(
      appError("validation", "validation_failed", "The slot change is not valid.", {
        errors: [{ path: "body", message: "give num_slots or consultation_fee" }],
      }),
    );
  }
  const errors: FieldError[] = [];
  if (change.numSlots !== undefined && !inRange(change.numSlots, NUM_SLOTS_RANGE)) {
    errors.push({ path: "num_slots", message: "must be a whole number from 1 to 200" });
  }
  if (
    change.consultationFee !== undefined &&
    !inRange(change.consultationFee, { min: 0, max: MAX_CONSULTATION_FEE })
  ) {
    errors.push({ path: "consultation_fee", message: "must be a whole number of minor units, 0 or more" });
  }
  if (errors.length > 0) {
    return err(appError("validation", "invalid_slot", "The slot is not valid.", { errors }));
  }
  const changed: Slot = {
    ...slot,
    numSlots: change.numSlots ?? slot.numSlots,
    consultationFee: change.consultationFee ?? slot.consultationFee,
  };
  const refusal = placementRefusal(
    changed,
    others.filter((other) => other.id !== slot.id),
    "would overlap",
  );
  if (refusal) return err(refusal);
  return ok(changed);
};
