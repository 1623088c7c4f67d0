import type { Cache } from "../../ports/cache.js";

/**
 * The cache entries derived from one doctor, shared by the cache-aside reads (which write them), the
 * command handlers (which delete them right after commit) and the projector (which deletes them again
 * after recomputing, closing the race where a read re-cached pre-commit data).
 *
 * Families with many members (pages of /doctors/all, timings for any `from`/`days`) are invalidated
 * through a generation key: a member's key embeds the family's current generation, and deleting the
 * generation orphans every member at once (orphans expire by TTL).
 */
export const doctorCacheKeys = {
  doctor: (doctorId: number) => `doctor:${doctorId}`,
  slots: (doctorId: number) => `doctor:${doctorId}:slots`,
  timingsFamily: (doctorId: number) => `doctor:${doctorId}:timings`,
  allDoctorsFamily: "doctors:all",
  popular: "doctors:popular",
  qualifications: "catalog:qualifications",
  specializations: "catalog:specializations",
} as const;

const generationKey = (family: string) => `${family}:gen`;

/** Every key made stale by a change to doctor `doctorId` (profile, slots, qualifications, bookings). */
export function staleKeysOfDoctor(doctorId: number): string[] {
  return [
    doctorCacheKeys.doctor(doctorId),
    doctorCacheKeys.slots(doctorId),
    generationKey(doctorCacheKeys.timingsFamily(doctorId)),
    generationKey(doctorCacheKeys.allDoctorsFamily),
    doctorCacheKeys.popular,
  ];
}

/**
 * The key of one member of a family (e.g. `page=2&per_page=20` of doctors:all) under its current
 * generation; a family without one gets `newGeneration()` (a random UUID).
 */
export async function familyMemberKey(
  cache: Cache,
  family: string,
  member: string,
  ttlSeconds: number,
  newGeneration: () => string,
): Promise<string> {
  let generation = await cache.get<string>(generationKey(family));
  if (generation === null) {
    generation = newGeneration();
    await cache.set(generationKey(family), generation, ttlSeconds);
  }
  return `${family}:${generation}:${member}`;
}
