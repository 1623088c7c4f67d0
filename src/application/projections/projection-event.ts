/** The data of a projection job: one outbox entry as the relay enqueued it. */
export interface ProjectionEvent {
  readonly outboxId: string;
  readonly type: string;
  readonly payload: unknown;
}

const positiveIdField = (event: ProjectionEvent, field: string): number | null => {
  const payload = event.payload;
  if (typeof payload !== "object" || payload === null || !(field in payload)) return null;
  const id = (payload as Record<string, unknown>)[field];
  return typeof id === "number" && Number.isSafeInteger(id) && id > 0 ? id : null;
};

/** The doctor an event is about, or null (e.g. PatientRegistered). */
export const doctorIdOf = (event: ProjectionEvent): number | null => positiveIdField(event, "doctorId");

/** The specialization whose picture changed, for SpecializationImageChanged. */
export const specializationIdOf = (event: ProjectionEvent): number | null =>
  event.type === "SpecializationImageChanged" ? positiveIdField(event, "specializationId") : null;

const isProjectionEvent = (data: unknown): data is ProjectionEvent =>
  typeof data === "object" &&
  data !== null &&
  typeof (data as ProjectionEvent).outboxId === "string" &&
  typeof (data as ProjectionEvent).type === "string";

/** The data of a projection job: the outbox entries one relay pass published, in outbox order. */
export interface ProjectionBatch {
  readonly events: readonly ProjectionEvent[];
}

/** The events a projection job carries (a batch); none for data of any other shape. */
export function eventsOfJob(data: unknown): readonly ProjectionEvent[] {
  const events = (data as Partial<ProjectionBatch> | null)?.events;
  return Array.isArray(events) ? events.filter(isProjectionEvent) : [];
}

/** The appointment an AppointmentBooked or AppointmentMoved event is about (it needs reminders), or null. */
export const bookedAppointmentIdOf = (event: ProjectionEvent): number | null =>
  event.type === "AppointmentBooked" || event.type === "AppointmentMoved"
    ? positiveIdField(event, "appointmentId")
    : null;
