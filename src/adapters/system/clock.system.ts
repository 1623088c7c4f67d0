import type { Clock } from "../../ports/clock.js";

/** The wall clock of the process. */
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}
