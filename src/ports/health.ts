/** One dependency that /ready checks; check() rejects when the dependency does not answer. */
export interface HealthCheck {
  readonly name: string;
  /** What the dependency serves (e.g. ["cache", "counters"]), as /ready names it. */
  readonly roles?: readonly string[];
  /** False for a dependency the service can do without (it falls back): a failure is "degraded", still ready. */
  readonly critical?: boolean;
  check(): Promise<void>;
}

export const HEALTH_CHECKS = Symbol.for("doctorly.HealthChecks");
