import { ContainerModule } from "inversify";
import { RedisCache } from "../adapters/redis/cache.redis.js";
import { NearCache } from "../adapters/redis/near-cache.js";
import { CachedDoctorSearchIndex } from "../adapters/redis/search-answer-cache.js";
import { DoctorDocuments } from "../application/projections/doctor-documents.js";
import { DoctorSearch } from "../application/queries/doctors/doctor-search.service.js";
import { ReadCache } from "../application/queries/read-cache.js";
import type { Config } from "../config.js";
import { CACHE, type Cache } from "../ports/cache.js";
import { CLOCK } from "../ports/clock.js";
import { DOCTOR_READ_MODEL } from "../ports/doctor.read-model.js";
import {
  DOCTOR_DOCUMENT_SOURCE,
  DOCTOR_SEARCH_INDEX,
  type DoctorDocumentSource,
  type DoctorSearchIndex,
} from "../ports/doctor-search.js";
import { IMAGE_URLS } from "../ports/image-urls.js";
import type { Logger } from "../ports/logger.js";
import { RANDOMNESS } from "../ports/randomness.js";
import { type Infrastructure, nearCacheOn } from "./infrastructure.js";

/** The read side: the doctor search index, the cache and the source that projections recompute from. */
export const readSideModule = (infra: Infrastructure, config: Config, logger: Logger) =>
  new ContainerModule(({ bind }) => {
    // Search answers kept in memory for a moment; every write to the index, from any process, drops them
    // everywhere (ADR 0011).
    bind<DoctorSearchIndex>(DOCTOR_SEARCH_INDEX).toConstantValue(
      new CachedDoctorSearchIndex(infra.searchIndex, infra.redis, infra.invalidations, logger, {
        ttlMs: config.SEARCH_CACHE_TTL_MS,
      }),
    );
    const shared = new RedisCache(infra.redis, logger);
    bind<Cache>(CACHE).toConstantValue(
      infra.invalidations && nearCacheOn(config)
        ? new NearCache(shared, infra.redis, infra.invalidations, logger, {
            ttlMs: config.CACHE_LOCAL_TTL_MS,
          })
        : shared,
    );
    bind(ReadCache).toDynamicValue(
      (ctx) =>
        new ReadCache(ctx.get(CACHE), config.CACHE_TTL_SECONDS, config.CACHE_ENABLED, ctx.get(RANDOMNESS)),
    );
    bind<DoctorDocumentSource>(DOCTOR_DOCUMENT_SOURCE).toDynamicValue(
      (ctx) => new DoctorDocuments(ctx.get(DOCTOR_READ_MODEL), ctx.get(IMAGE_URLS), ctx.get(CLOCK)),
    );
    bind(DoctorSearch).toDynamicValue((ctx) => new DoctorSearch(ctx.get(DOCTOR_SEARCH_INDEX), logger));
  });
