import { ok, type Result } from "../../../domain/shared/result.js";
import type { ImageProcessor } from "../../../ports/image-processor.js";
import type { Logger } from "../../../ports/logger.js";
import type { MediaStore } from "../../../ports/media-store.js";
import type { TransactionScope, UnitOfWork } from "../../../ports/unit-of-work.js";

export interface ImageReplacementDeps {
  readonly uow: UnitOfWork;
  readonly processor: ImageProcessor;
  readonly media: MediaStore;
  readonly logger: Logger;
}

/**
 * The one order in which a picture changes: normalize, store the new file, then in one unit of work point
 * the row at it and append the event. The file replaced is removed only after the commit; when the unit
 * of work fails, the new file is removed instead. The file store is never touched inside the transaction.
 */
export async function replaceImage<T extends { previousKey: string | null }>(
  deps: ImageReplacementDeps,
  bytes: Uint8Array,
  record: (scope: TransactionScope, key: string) => Promise<Result<T>>,
): Promise<Result<Omit<T, "previousKey"> & { imageKey: string }>> {
  const picture = await deps.processor.normalize(bytes);
  if (!picture.ok) return picture;
  const key = await deps.media.put(picture.value.bytes, picture.value.contentType);

  let committed: Result<T>;
  try {
    committed = await deps.uow.run((scope) => record(scope, key));
  } catch (error) {
    await discard(deps, key);
    throw error;
  }
  if (!committed.ok) {
    await discard(deps, key);
    return committed;
  }
  const { previousKey, ...changed } = committed.value;
  if (previousKey !== null && previousKey !== key) await discard(deps, previousKey);
  return ok({ ...changed, imageKey: key });
}

/** A file that cannot be removed is only an orphan on disk; the change itself stands (or was undone). */
async function discard(deps: ImageReplacementDeps, key: string): Promise<void> {
  try {
    await deps.media.remove(key);
  } catch (error) {
    deps.logger.warn(
      { key, err: error instanceof Error ? error.message : String(error) },
      "could not remove a stored picture; it is left as an orphan",
    );
  }
}
