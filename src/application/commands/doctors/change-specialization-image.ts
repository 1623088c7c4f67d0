import { appError, err, ok, type Result } from "../../../domain/shared/result.js";
import { type ImageReplacementDeps, replaceImage } from "./replace-image.js";

const specializationNotFound = appError(
  "not_found",
  "specialization_not_found",
  "There is no specialization with this id.",
);

/** A specialization's picture, changed by an admin (POST /misc/image/{specialization_id}). */
export class ChangeSpecializationImage {
  constructor(private readonly deps: ImageReplacementDeps) {}

  execute(
    specializationId: number,
    bytes: Uint8Array,
  ): Promise<Result<{ id: number; name: string; imageKey: string }>> {
    return replaceImage(this.deps, bytes, async ({ images, outbox }, key) => {
      const changed = await images.setSpecializationImage(specializationId, key);
      if (!changed) return err(specializationNotFound);
      await outbox.append([{ type: "SpecializationImageChanged", specializationId: changed.id }]);
      return ok(changed);
    });
  }
}
