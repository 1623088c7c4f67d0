import type { DomainEvent } from "../events.js";

export type VerificationChange = "verify" | "suspend";

/**
 * An admin verifies a doctor before patients see it, and may suspend it again (hidden, as an unverified
 * one). Repeating a change is not an error and changes nothing: no event, nobody told again.
 */
export function changeVerification(
  doctorId: number,
  verified: boolean,
  change: VerificationChange,
): { verified: boolean; events: DomainEvent[] } {
  const wanted = change === "verify";
  if (verified === wanted) return { verified, events: [] };
  return {
    verified: wanted,
    events: [{ type: wanted ? "DoctorVerified" : "DoctorSuspended", doctorId }],
  };
}
