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

  it("answers a page object given again with the same text, and never a text of other numbers", async () => {
    const { index, asked } = indexAnswering(page);
    const first = await searchDoctors(index, { specialization: "cardiologist" });
    expect(await searchDoctors(index, { specialization: "cardiologist" })).toBe(first);
    // The same object under another page number (a fake's shortcut): the numbers follow the query.
    const other = JSON.parse(await searchDoctors(index, { specialization: "cardiologist", page: 2 }));
    expect(other).toMatchObject({ page: 2, per_page: 20 });
    expect(asked).toHaveLength(3);
    // A new page object (the index changed) gets its own text.
    const changed = indexAnswering({ total: 1, doctorsJson: ['{"id":9}'] });
    expect(JSON.parse(await searchDoctors(changed.index, {}))).toMatchObject({ data: [{ id: 9 }], total: 1 });
  });
});
