import { beforeEach, describe, expect, it } from "vitest";
import { ChangeDoctorImage } from "../../../src/application/commands/doctors/change-doctor-image.js";
import { ChangeSpecializationImage } from "../../../src/application/commands/doctors/change-specialization-image.js";
import type { UnitOfWork } from "../../../src/ports/unit-of-work.js";
import { RecordingLogger } from "../../support/fakes/accounts.js";
import { FakeMediaStore, fakeImageProcessor, picture } from "../../support/fakes/media.js";
import { FakeUnitOfWork } from "../../support/fakes/unit-of-work.js";

describe("changing pictures", () => {
  let uow: FakeUnitOfWork;
  let media: FakeMediaStore;
  let logger: RecordingLogger;
  const deps = (unitOfWork: UnitOfWork = uow) => ({
    uow: unitOfWork,
    processor: fakeImageProcessor,
    media,
    logger,
  });

  beforeEach(() => {
    uow = new FakeUnitOfWork();
    media = new FakeMediaStore();
    logger = new RecordingLogger();
    uow.state.doctors.push({ id: 7, userId: 70, timeZone: "UTC", verified: true });
    uow.state.specializations.push({ id: 3, name: "cardiologist", imageKey: null });
  });

  describe("a doctor's picture", () => {
    it("stores the file, points the profile at it and appends DoctorProfileChanged", async () => {
      const result = await new ChangeDoctorImage(deps()).execute(70, picture("a"));
      expect(result).toEqual({ ok: true, value: { doctorId: 7, imageKey: "key-1.webp" } });
      expect(uow.state.doctorImages[7]).toBe("key-1.webp");
      expect(uow.state.outbox).toEqual([{ type: "DoctorProfileChanged", doctorId: 7 }]);
      expect([...media.files.keys()]).toEqual(["key-1.webp"]);
    });

    it("removes the previous file after the new one is committed", async () => {
      const change = new ChangeDoctorImage(deps());
      await change.execute(70, picture("a"));
      const second = await change.execute(70, picture("b"));
      expect(second.ok && second.value.imageKey).toBe("key-2.webp");
      expect([...media.files.keys()]).toEqual(["key-2.webp"]);
      expect(uow.state.outbox).toHaveLength(2);
    });

    it("refuses bytes the processor refuses, storing nothing", async () => {
      const result = await new ChangeDoctorImage(deps()).execute(70, new TextEncoder().encode("hello"));
      expect(result.ok || result.error.kind).toBe("unsupported_media");
      expect(media.files.size).toBe(0);
      expect(uow.state.outbox).toEqual([]);
    });

    it("removes the new file when the unit of work refuses (no doctor profile)", async () => {
      const result = await new ChangeDoctorImage(deps()).execute(999, picture());
      expect(result.ok || result.error.code).toBe("doctor_not_found");
      expect(media.files.size).toBe(0);
      expect(uow.state.outbox).toEqual([]);
    });

    it("removes the new file and keeps the old one when the transaction throws", async () => {
      await new ChangeDoctorImage(deps()).execute(70, picture("old"));
      const broken: UnitOfWork = {
        run: async () => {
          throw new Error("connection lost");
        },
      };
      await expect(new ChangeDoctorImage(deps(broken)).execute(70, picture("new"))).rejects.toThrow(
        "connection lost",
      );
      expect([...media.files.keys()]).toEqual(["key-1.webp"]);
      expect(uow.state.doctorImages[7]).toBe("key-1.webp");
    });

    it("keeps the committed change when the old file cannot be removed, and logs the orphan", async () => {
      const change = new ChangeDoctorImage(deps());
      await change.execute(70, picture("a"));
      media.failRemove = true;
      const result = await change.execute(70, picture("b"));
      expect(result.ok).toBe(true);
      expect(uow.state.doctorImages[7]).toBe("key-2.webp");
      expect(logger.warnings).toHaveLength(1);
    });
  });

  describe("a specialization's picture", () => {
    it("answers {id, name, imageKey}, appends SpecializationImageChanged and removes the old file", async () => {
      const change = new ChangeSpecializationImage(deps());
      await change.execute(3, picture("a"));
      const result = await change.execute(3, picture("b"));
      expect(result).toEqual({ ok: true, value: { id: 3, name: "cardiologist", imageKey: "key-2.webp" } });
      expect(uow.state.specializations[0]?.imageKey).toBe("key-2.webp");
      expect(uow.state.outbox).toEqual([
        { type: "SpecializationImageChanged", specializationId: 3 },
        { type: "SpecializationImageChanged", specializationId: 3 },
      ]);
      expect([...media.files.keys()]).toEqual(["key-2.webp"]);
    });

    it("answers not_found for an unknown id and removes the file it stored", async () => {
      const result = await new ChangeSpecializationImage(deps()).execute(404, picture());
      expect(result.ok || result.error).toMatchObject({
        kind: "not_found",
        code: "specialization_not_found",
      });
      expect(media.files.size).toBe(0);
      expect(uow.state.outbox).toEqual([]);
    });
  });
});
