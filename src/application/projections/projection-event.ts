/** The data of a projection job: one outbox entry as the relay enqueued it. */
export interface ProjectionEvent {
  readonly outboxId: string;
  readonly type: string;
  readonly payload: unknown;
}

/** The doctor an event is about, or null (e.g. PatientRegistered). */
export function doctorIdOf(event: ProjectionEvent): number | null {
  const payload = event.payload;
  if (typeof payload !== "object" || payload === null || !("doctorId" in payload)) return null;
  const id = (payload as { doctorId: unknown }).doctorId;
  return typeof id === "number" && Number.isSafeInteger(id) && id > 0 ? id : null;
}

export const isProjectionEvent = (data: unknown): data is ProjectionEvent =>
  typeof data === "object" &&
  data !== null &&
  typeof (data as ProjectionEvent).outboxId === "string" &&
  typeof (data as ProjectionEvent).type === "string";
