/** One dependency that /ready checks; check() rejects when the dependency does not answer. */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<void>;
}

export const HEALTH_CHECKS = Symbol.for("doctorly.HealthChecks");
