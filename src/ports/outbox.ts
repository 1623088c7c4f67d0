import type { DomainEvent } from "../domain/events.js";

/** Appends domain events inside the current transaction; the relay publishes them after commit. */
export interface OutboxWriter {
  append(events: readonly DomainEvent[]): Promise<void>;
}
