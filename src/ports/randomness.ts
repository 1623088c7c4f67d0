/** Unpredictable values for the application, which draws none itself (so tests can fix them). */
export interface Randomness {
  /** A random UUID (v4). */
  uuid(): string;
}

export const RANDOMNESS = Symbol.for("doctorly.Randomness");
