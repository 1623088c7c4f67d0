import { err, ok, type Result } from "../../../domain/shared/result.js";
import type { Principal } from "../../../domain/user/principal.js";
import type { CalendarFeedStore } from "../../../ports/calendar-feed.store.js";
import type { DoctorReadModel } from "../../../ports/doctor.read-model.js";
import type { SessionTokens } from "../../../ports/token.js";
import { doctorProfileMissing } from "../doctors/doctor-not-found.js";

/**
 * A new secret feed URL for the calling doctor: a random token, kept only as its digest, replacing the
 * doctor's earlier one (whose URL then answers 404). The token is in the answer and nowhere else.
 */
export class IssueCalendarFeed {
  constructor(
    private readonly doctors: DoctorReadModel,
    private readonly feeds: CalendarFeedStore,
    private readonly tokens: SessionTokens,
    /** PUBLIC_BASE_URL without its trailing slash: never the request's Host. */
    private readonly publicBaseUrl: string,
  ) {}

  async execute(principal: Principal): Promise<Result<{ url: string }>> {
    const doctorId = await this.doctors.doctorIdOfUser(principal.userId);
    if (doctorId === null) return err(doctorProfileMissing);
    const token = this.tokens.issue();
    await this.feeds.replace(doctorId, this.tokens.digest(token));
    return ok({ url: feedUrl(this.publicBaseUrl, token) });
  }
}

const FEED_PATH_PREFIX = "/calendar/doctors/";
const feedUrl = (publicBaseUrl: string, token: string) => `${publicBaseUrl}${FEED_PATH_PREFIX}${token}.ics`;
