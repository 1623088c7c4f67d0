import { describe, expect, it } from "vitest";
import { searchDoctors } from "../../../src/application/queries/doctors/doctor-search.queries.js";
import type { DoctorSearchPage, DoctorSearchQuery } from "../../../src/ports/doctor-search.js";

/** An index answering `page` to every query, as the search-answer cache answers a query it holds. */
const indexAnswering = (page: DoctorSearchPage) => {
  const asked: DoctorSearchQuery[] = [];
  const search = async (query: DoctorSearchQuery) => {
    asked.push(query);
    return page;
  };
  return { asked, index: { search } as unknown as Parameters<typeof searchDoctors>[0] };
};

describe("searchDoctors", () => {
  const page: DoctorSearchPage = { total: 41, doctorsJson: ['{"id":1,"name":"Ayesha Khan"}', '{"id":2}'] };

  it("answers the page around the stored Doctor texts, with the page and size asked", async () => {
    const { index } = indexAnswering(page);
    const text = await searchDoctors(index, { specialization: "cardiologist", page: 3, per_page: 2 });
    expect(JSON.parse(text)).toEqual({
      data: [{ id: 1, name: "Ayesha Khan" }, { id: 2 }],
      page: 3,
      per_page: 2,
      total: 41,
    });
  });

  it("numbers the page as the query asks, whatever page object the index answers", async () => {
    const { index, asked } = indexAnswering(page);
    const first = JSON.parse(await searchDoctors(index, { specialization: "cardiologist" }));
    expect(first).toMatchObject({ page: 1, per_page: 20, total: 41 });
    // The same object under another page number (a fake's shortcut): the numbers follow the query.
    const other = JSON.parse(
      await searchDoctors(index, { specialization: "cardiologist", page: 2, per_page: 500 }),
    );
    expect(other).toMatchObject({ page: 2, per_page: 100 });
    expect(asked.map((q) => [q.page, q.perPage])).toEqual([
      [1, 20],
      [2, 100],
    ]);
  });
});
