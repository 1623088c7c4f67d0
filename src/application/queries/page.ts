export interface PageRequest {
  readonly page: number;
  readonly perPage: number;
}

export interface Page<T> {
  readonly data: T[];
  readonly page: number;
  readonly per_page: number;
  readonly total: number;
}

export const offsetOf = (p: PageRequest): number => (p.page - 1) * p.perPage;

export const pageOf = <T>(data: T[], p: PageRequest, total: number): Page<T> => ({
  data,
  page: p.page,
  per_page: p.perPage,
  total,
});
