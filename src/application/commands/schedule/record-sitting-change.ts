import type { Decided, SittingBook } from "../../../domain/sitting/sitting-book.js";
import type { TransactionScope } from "../../../ports/unit-of-work.js";
import { noticesOf } from "../../notifications/notices-of.js";

/**
 * Records a decision on a sitting inside the caller's transaction (which holds the sitting's lock):
 * the book's differences, its events in the outbox and the notices they mean, all in one commit.
 */
export async function recordSittingChange(
  { sittings, outbox, notifications }: Pick<TransactionScope, "sittings" | "outbox" | "notifications">,
  before: SittingBook,
  decided: Decided,
  patientNames?: ReadonlyMap<number, string>,
): Promise<{ createdAt: ReadonlyMap<number, Date> }> {
  const saved = await sittings.save(before, decided.book);
  await outbox.append(decided.events);
  for (const notice of noticesOf({ before, after: decided.book, events: decided.events }, patientNames)) {
    await notifications.notify(notice);
  }
  return saved;
}
