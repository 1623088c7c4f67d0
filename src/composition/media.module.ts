import { ContainerModule } from "inversify";
import { SharpImageProcessor } from "../adapters/media/image-processor.sharp.js";
import { PublicImageUrls } from "../adapters/media/image-urls.js";
import { ChangeDoctorImage } from "../application/commands/doctors/change-doctor-image.js";
import { ChangeSpecializationImage } from "../application/commands/doctors/change-specialization-image.js";
import type { Config } from "../config.js";
import { IMAGE_PROCESSOR, type ImageProcessor } from "../ports/image-processor.js";
import { IMAGE_URLS, type ImageUrls } from "../ports/image-urls.js";
import type { Logger } from "../ports/logger.js";
import { MEDIA_STORE, type MediaStore } from "../ports/media-store.js";
import { UNIT_OF_WORK, type UnitOfWork } from "../ports/unit-of-work.js";
import type { Infrastructure } from "./infrastructure.js";

/** Uploaded pictures: stored under UPLOAD_DIR (created at start), re-encoded with sharp, served at PUBLIC_BASE_URL. */
export const mediaModule = (infra: Infrastructure, config: Config, logger: Logger) =>
  new ContainerModule(({ bind }) => {
    bind<ImageUrls>(IMAGE_URLS).toConstantValue(new PublicImageUrls(config.PUBLIC_BASE_URL));
    bind<MediaStore>(MEDIA_STORE).toConstantValue(infra.media);
    bind<ImageProcessor>(IMAGE_PROCESSOR).toConstantValue(
      new SharpImageProcessor({
        maxInputPixels: config.IMAGE_MAX_PIXELS,
        concurrentDecodes: config.IMAGE_DECODE_CONCURRENCY,
      }),
    );
    const deps = (ctx: { get<T>(id: symbol): T }) => ({
      uow: ctx.get<UnitOfWork>(UNIT_OF_WORK),
      processor: ctx.get<ImageProcessor>(IMAGE_PROCESSOR),
      media: infra.media,
      logger,
    });
    bind(ChangeDoctorImage).toDynamicValue((ctx) => new ChangeDoctorImage(deps(ctx)));
    bind(ChangeSpecializationImage).toDynamicValue((ctx) => new ChangeSpecializationImage(deps(ctx)));
  });
