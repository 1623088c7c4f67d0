import { appError, err, ok, type Result } from "../../../domain/shared/result.js";
import {
  type DoctorSearchIndex,
  SearchQueryError,
  SearchUnavailableError,
} from "../../../ports/doctor-search.js";
import type { Logger } from "../../../ports/logger.js";
import { type DoctorSearchParams, searchDoctors } from "./doctor-search.queries.js";

const unavailable = appError(
  "unavailable",
  "search_unavailable",
  "Search is temporarily unavailable; doctors can still be read and booked.",
);

const refused = appError(
  "validation",
  "search_refused",
  "This search cannot be run; use fewer, longer or different words.",
);

/** The search endpoints' handler: answered from the index only; an unreachable index is a 503, not a 500. */
export class DoctorSearch {
  constructor(
    private readonly index: DoctorSearchIndex,
    private readonly logger: Logger,
  ) {}

  /** The page as JSON text (see searchDoctors). */
  async search(params: DoctorSearchParams): Promise<Result<string>> {
    try {
      return ok(await searchDoctors(this.index, params));
    } catch (error) {
      if (error instanceof SearchQueryError) {
        this.logger.warn({ err: error.message }, "search refused");
        return err(refused);
      }
      if (!(error instanceof SearchUnavailableError)) throw error;
      this.logger.warn({ err: error.message }, "search unavailable");
      return err(unavailable);
    }
  }
}
