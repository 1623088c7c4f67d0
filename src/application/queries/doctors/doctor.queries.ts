import { isCalendarDate } from "../../../domain/shared/calendar-date.js";
import { appError, err, ok, type Result } from "../../../domain/shared/result.js";
import { sittingStatus, upcomingSittings } from "../../../domain/sitting/sitting.js";
import { addDays, localDateOf } from "../../../domain/sitting/zoned-time.js";
import type { Clock } from "../../../ports/clock.js";
import type { DoctorReadModel } from "../../../ports/doctor.read-model.js";
import type { ImageUrls } from "../../../ports/image-urls.js";
import { doctorCacheKeys } from "../../cache/doctor-cache-keys.js";
import { offsetOf, type Page, type PageRequest, pageOf } from "../page.js";
import type { ReadCache } from "../read-cache.js";
import {
  type DoctorProfileView,
  type DoctorView,
  type SittingView,
  type SlotView,
  type TimeOffView,
  toDoctorProfileView,
  toDoctorView,
  toSittingView,
  toSlotView,
  toTimeOffView,
} from "../views.js";
import { closedReasonOn, slotsHoldingSittings } from "./closures.js";

const POPULAR_LIMIT = 10;
const POPULAR_WINDOW_DAYS = 30;

export const doctorNotFound = appError("not_found", "doctor_not_found", "No such doctor.");

/**
 * Doctors as patients and the public see them: verified ones only (an unverified or suspended doctor is
 * answered as missing, 404), cached. The doctor's own profile and the admin's list see every doctor.
 */
export class DoctorQueries {
  constructor(
    private readonly doctors: DoctorReadModel,
    private readonly urls: ImageUrls,
    private readonly clock: Clock,
    private readonly cache: ReadCache,
  ) {}

  async get(id: number): Promise<Result<DoctorView>> {
    const view = await this.cache.through(doctorCacheKeys.doctor(id), () => this.load(id), isView);
    return view ? ok(view) : err(doctorNotFound);
  }

  /** GET /doctors/get/{id}: the same view as `get`, as JSON text straight from the cache on a hit. */
  async getJson(id: number): Promise<Result<string>> {
    const json = await this.cache.throughJson(doctorCacheKeys.doctor(id), () => this.load(id));
    return json === null ? err(doctorNotFound) : ok(json);
  }

  private async load(id: number): Promise<DoctorView | null> {
    const [row] = await this.doctors.findByIds([id]);
    return row ? toDoctorView(row, this.urls, this.clock.now()) : null;
  }

  async ofUser(userId: number): Promise<Result<DoctorProfileView>> {
    const id = await this.doctors.doctorIdOfUser(userId);
    return id === null ? err(doctorNotFound) : this.profile(id);
  }

  /**
   * A doctor with `verified`, whether patients see it or not: for the doctor itself and for admins. A
   * verified doctor is the public (cached) view; only an unverified one is read again from Postgres.
   */
  async profile(id: number): Promise<Result<DoctorProfileView>> {
    const visible = await this.get(id);
    if (visible.ok) return ok({ ...visible.value, verified: true });
    const [row] = await this.doctors.findByIds([id], { includeUnverified: true });
    return row ? ok(toDoctorProfileView(row, this.urls, this.clock.now())) : err(doctorNotFound);
  }

  /** The calling doctor's time offs that have not ended (today in the doctor's zone), earliest first. */
  async ownTimeOff(userId: number): Promise<Result<{ data: TimeOffView[] }>> {
    const id = await this.doctors.doctorIdOfUser(userId);
    const [row] = id === null ? [] : await this.doctors.findByIds([id], { includeUnverified: true });
    if (!row) return err(doctorNotFound);
    const today = localDateOf(this.clock.now(), row.timeZone);
    return ok({ data: (await this.doctors.timeOffFrom(row.id, today)).map(toTimeOffView) });
  }

  /** GET /admin/doctors: every doctor, or the verified or unverified ones, in id order (never cached). */
  async byVerification(verified: boolean | undefined, page: PageRequest): Promise<Page<DoctorProfileView>> {
    const { ids, total } = await this.doctors.listIdsByVerification(verified, offsetOf(page), page.perPage);
    const now = this.clock.now();
    const rows = await this.doctors.findByIds(ids, { includeUnverified: true });
    return pageOf(
      rows.map((row) => toDoctorProfileView(row, this.urls, now)),
      page,
      total,
    );
  }

  all(page: PageRequest): Promise<Page<DoctorView>> {
    return this.cache.throughFamily(
      doctorCacheKeys.allDoctorsFamily,
      `${page.page}/${page.perPage}`,
      async () => {
        const { ids, total } = await this.doctors.listIds(offsetOf(page), page.perPage);
        return pageOf(await this.views(ids), page, total);
      },
    );
  }

  popular(): Promise<{ data: DoctorView[] }> {
    return this.cache.through(doctorCacheKeys.popular, async () => {
      const since = new Date(this.clock.now().getTime() - POPULAR_WINDOW_DAYS * 86_400_000);
      return { data: await this.views(await this.doctors.popularIds(since, POPULAR_LIMIT)) };
    });
  }

  slots(id: number): Promise<Result<{ data: SlotView[] }>> {
    return this.cache.through(
      doctorCacheKeys.slots(id),
      async () => {
        const [row] = await this.doctors.findByIds([id]);
        return row ? ok({ data: row.slots.map(toSlotView) }) : err(doctorNotFound);
      },
      isOk,
    );
  }

  /** Upcoming sittings from `from` (default: today in the doctor's zone) for `days` days, in time order. */
  async timings(
    id: number,
    from: string | undefined,
    days: number,
  ): Promise<Result<{ data: SittingView[] }>> {
    if (from !== undefined && !isCalendarDate(from)) {
      return err(
        appError("validation", "invalid_date", "`from` is not a calendar date.", {
          errors: [{ path: "from", message: "not a calendar date" }],
        }),
      );
    }
    const [row] = await this.doctors.findByIds([id]);
    if (!row) return err(doctorNotFound);
    const now = this.clock.now();
    const start = from ?? localDateOf(now, row.timeZone);
    const end = addDays(start, days - 1);
    const [counts, closures] = await Promise.all([
      this.doctors.sittingCounts(id, start, end),
      this.doctors.closuresBetween(id, start, end),
    ]);
    const booked = new Map(counts.map((c) => [`${c.slotId}/${c.date}`, c.booked]));
    // A retired slot's sittings before its retirement still take place; from then on it is gone.
    const sittings = slotsHoldingSittings(row.slots, closures)
      .flatMap(({ slot, retiredFrom }) =>
        upcomingSittings(slot, row.timeZone, { from: start, days, now }).filter(
          (s) => retiredFrom === null || s.date < retiredFrom,
        ),
      )
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.slotId - b.slotId);
    return ok({
      data: sittings.map((s) => {
        const n = booked.get(`${s.slotId}/${s.date}`) ?? 0;
        const reason = closedReasonOn(closures, s.date);
        return toSittingView(s, n, sittingStatus(s, n, reason, now), reason);
      }),
    });
  }

  private async views(ids: number[]): Promise<DoctorView[]> {
    const now = this.clock.now();
    return (await this.doctors.findByIds(ids)).map((row) => toDoctorView(row, this.urls, now));
  }
}

const isOk = (r: Result<unknown>) => r.ok;
const isView = (view: DoctorView | null) => view !== null;
