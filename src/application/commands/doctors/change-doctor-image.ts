import { err, ok, type Result } from "../../../domain/shared/result.js";
import { doctorProfileMissing } from "./doctor-not-found.js";
import { type ImageReplacementDeps, replaceImage } from "./replace-image.js";

/** A doctor's own profile picture (POST /doctors/image). */
export class ChangeDoctorImage {
  constructor(private readonly deps: ImageReplacementDeps) {}

  execute(doctorUserId: number, bytes: Uint8Array): Promise<Result<{ doctorId: number; imageKey: string }>> {
    return replaceImage(this.deps, bytes, async ({ images, outbox }, key) => {
      const changed = await images.setDoctorImage(doctorUserId, key);
      if (!changed) return err(doctorProfileMissing);
      await outbox.append([{ type: "DoctorProfileChanged", doctorId: changed.doctorId }]);
      return ok(changed);
    });
  }
}
