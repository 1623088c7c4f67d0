import type { DoctorSearchIndex, DoctorSearchQuery, DoctorSort } from "../../../ports/doctor-search.js";

/** The parameters of `GET /misc/doctors/search` (and the narrower /misc/doctors/* routes), already validated. */
export interface DoctorSearchParams {
  readonly q?: string;
  readonly name?: string;
  readonly specialization?: string;
  readonly qualification?: string;
  readonly day?: string;
  readonly min_rating?: number;
  readonly max_fee?: number;
  readonly sort?: DoctorSort;
  readonly page?: number;
  readonly per_page?: number;
}

const blankToUndefined = (s: string | undefined) => (s === undefined || s.trim() === "" ? undefined : s);

export function toDoctorSearchQuery(params: DoctorSearchParams): DoctorSearchQuery {
  return {
    text: blankToUndefined(params.q),
    namePrefix: blankToUndefined(params.name),
    specialization: blankToUndefined(params.specialization),
    qualification: blankToUndefined(params.qualification),
    day: blankToUndefined(params.day)?.toLowerCase(),
    minRating: params.min_rating,
    maxFee: params.max_fee,
    sort: params.sort ?? "relevance",
    page: params.page ?? 1,
    perPage: Math.min(params.per_page ?? 20, 100),
  };
}

/**
 * Answers a search page from the index, as the JSON text of `{data, page, per_page, total}`: the page is
 * assembled around the Doctor texts stored in the index, so a hit is never parsed and serialized again.
 * Throws SearchUnavailableError (→ 503) when the index is away.
 */
export async function searchDoctors(index: DoctorSearchIndex, params: DoctorSearchParams): Promise<string> {
  const query = toDoctorSearchQuery(params);
  const { doctorsJson, total } = await index.search(query);
  return `{"data":[${doctorsJson.join(",")}],"page":${query.page},"per_page":${query.perPage},"total":${total}}`;
}
