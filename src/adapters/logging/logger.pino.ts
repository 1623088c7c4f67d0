import { pino } from "pino";
import type { Logger } from "../../ports/logger.js";

/** JSON lines on stdout; secrets never reach here, and these paths are redacted as a second line of defence. */
export function createLogger(level: string): Logger & { flush?: () => void } {
  return pino({
    level,
    base: { service: "doctorly" },
    redact: {
      paths: ["password", "*.password", "token", "*.token", "authorization", "*.authorization", "headers.*"],
      censor: "[redacted]",
    },
  });
}
