import { Redis } from "ioredis";
import type { DatabasePool } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PublicImageUrls } from "../../../src/adapters/media/image-urls.js";
import { PgDoctorReadModel } from "../../../src/adapters/postgres/doctor.read-model.pg.js";
import { createPgPool } from "../../../src/adapters/postgres/pool.js";
import { DoctorDocuments } from "../../../src/application/projections/doctor-documents.js";
import { searchDoctors } from "../../../src/application/queries/doctors/doctor-search.queries.js";
import type { DoctorDocument, DoctorSearchQuery } from "../../../src/ports/doctor-search.js";
import { doctorsOf } from "../../support/doctor-pages.js";
import { TEST_DATABASE_URL, TEST_REDIS_URL } from "../../support/env.js";
import { type DoctorFixture, deleteUsers, insertDoctorFixture } from "../../support/fixtures.js";
import { privateDoctorIndex, syntheticDocument } from "../../support/search-index.js";

const SYNTAX = ["@", "{", "}", "|", "*", "-", '"', "'", "(", ")", ":", "\\"];

const query = (q: Partial<DoctorSearchQuery>): DoctorSearchQuery => ({
  sort: "relevance",
  page: 1,
  perPage: 100,
  ...q,
});

describe("doctor search index on RediSearch (real module)", () => {
  let pool: DatabasePool;
  let redis: Redis;
  let search: Awaited<ReturnType<typeof privateDoctorIndex>>;
  let source: DoctorDocuments;
  const users: number[] = [];
  const emails: string[] = [];
  const ids: Record<string, number> = {};

  const fixture = async (key: string, f: DoctorFixture) => {
    const { doctorId, userId, email } = await insertDoctorFixture(pool, f);
    users.push(userId);
    emails.push(email);
    ids[key] = doctorId;
    return doctorId;
  };
  const found = async (q: Partial<DoctorSearchQuery>) =>
    doctorsOf(await search.index.search(query(q))).map((d) => d.id);

  beforeAll(async () => {
    pool = await createPgPool({ databaseUrl: TEST_DATABASE_URL, maximumPoolSize: 4 });
    redis = new Redis(TEST_REDIS_URL);
    search = await privateDoctorIndex();
    source = new DoctorDocuments(new PgDoctorReadModel(pool), new PublicImageUrls("http://doctorly.test"), {
      now: () => new Date(),
    });
    await search.index.ensureIndex();

    await fixture("obrien", {
      name: "O'Brien-Smith (Jr.)",
      description: "Heart rhythm clinic",
      specializations: ["cardiologist", "emergency medicine specialist"],
      qualifications: [
        { name: "mbbs", year: 2001 },
        { name: "md", year: 2008 },
      ],
      slots: [{ day: "monday", startMinute: 540, duration: 15, numSlots: 8, fee: 700 }],
    });
    await fixture("ayesha", {
      name: "Ayesha Khan",
      description: "Children's health",
      specializations: ["pediatrician"],
      qualifications: [{ name: "mbbs", year: 2015 }],
      slots: [
        { day: "tuesday", startMinute: 600, duration: 20, numSlots: 3, fee: 300 },
        { day: "monday", startMinute: 1380, duration: 15, numSlots: 4, fee: 450 },
      ],
    });
    await fixture("syntax", {
      name: `Zed @{Curly}|Star*-"Quote" 'Apos' (Paren): Back\\slash`,
      specializations: ["emergency medicine specialist"],
      qualifications: [{ name: "bds", year: 2019 }],
    });
    for (const doctorId of Object.values(ids)) {
      const document = await source.load(doctorId);
      if (document) await search.index.upsert(document);
    }
  });

  afterAll(async () => {
    await search.dispose();
    await deleteUsers(pool, users);
    await redis.quit();
    await pool.end();
  });

  it("renders the API's Doctor from Postgres: slots as HH:MM (midnight is 24:00), experience, image URL", async () => {
    const document = (await source.load(ids.ayesha as number)) as DoctorDocument;
    expect(document.doctor).toMatchObject({
      id: ids.ayesha,
      name: "Ayesha Khan",
      image: "http://doctorly.test/static/defaults/doctor.svg",
      timezone: "UTC",
      experience: new Date().getUTCFullYear() - 2015,
      rating: null,
      rating_count: 0,
      no_of_patients: 0,
      specializations: [{ name: "pediatrician" }],
      qualifications: [{ name: "mbbs", procurement_year: "2015-01-01", institute_name: "Fixture College" }],
    });
    expect(document.doctor.slots.map((s) => [s.day, s.start, s.end])).toEqual([
      ["monday", "23:00", "24:00"],
      ["tuesday", "10:00", "11:00"],
    ]);
    expect(document.days).toEqual(["monday", "tuesday"]);
    expect(document.min_fee).toBe(300);
    expect(await source.load(2_000_000_000)).toBeNull();
  });

  it("finds O'Brien-Smith (Jr.) by its name typed as is, and by parts of it", async () => {
    expect(await found({ text: "O'Brien-Smith (Jr.)" })).toEqual([ids.obrien]);
    expect(await found({ namePrefix: "O'Brien-Smith (Jr.)" })).toEqual([ids.obrien]);
    expect(await found({ namePrefix: "brien-sm" })).toEqual([ids.obrien]);
    expect(await found({ text: "o'brien" })).toEqual([ids.obrien]);
  });

  it("finds Ayesha by the prefix ays, case-insensitively, and tolerates a typo in free text", async () => {
    expect(await found({ namePrefix: "ays" })).toEqual([ids.ayesha]);
    expect(await found({ namePrefix: "AYS" })).toEqual([ids.ayesha]);
    expect(await found({ text: "ays" })).toEqual([ids.ayesha]);
    expect(await found({ text: "ayesa khan" })).toEqual([ids.ayesha]);
    expect(await found({ namePrefix: "kh" })).toEqual([ids.ayesha]);
  });

  it.each(SYNTAX)("treats %s as plain text in names, tags and free text, never as syntax", async (c) => {
    for (const q of [
      { text: c },
      { namePrefix: c },
      { specialization: c },
      { qualification: c },
      { day: c },
      { text: `${c}${c}zed${c}` },
      { namePrefix: `zed${c}` },
      { specialization: `cardiologist${c}` },
      { text: `ayesha ${c} khan` },
    ]) {
      await expect(search.index.search(query(q)), JSON.stringify(q)).resolves.toBeDefined();
    }
    expect(await found({ text: `ayesha ${c} khan` })).toEqual([ids.ayesha]);
    expect(await found({ namePrefix: `Zed ${c}` })).toEqual([ids.syntax]);
    expect(await found({ specialization: `cardiologist${c}` })).toEqual([]);
  });

  it("finds the doctor whose name is made of syntax characters by its words", async () => {
    expect(await found({ text: `@{Curly}|Star*-"Quote"` })).toEqual([ids.syntax]);
    expect(await found({ text: "(Paren): Back\\slash" })).toEqual([ids.syntax]);
  });

  it("matches whole tag values, including ones with spaces, and tag values with syntax characters", async () => {
    expect((await found({ specialization: "Emergency Medicine Specialist" })).sort()).toEqual(
      [ids.obrien, ids.syntax].sort(),
    );
    expect(await found({ specialization: "emergency" })).toEqual([]);
    const odd = syntheticDocument(900_000_001, {
      name: "Tag Probe",
      specializations: [{ id: 1, name: `a@b{c}|d*e-f"g'h(i):j\\k l`, image: "x" }],
    });
    await search.index.upsert(odd);
    expect(await found({ specialization: `a@b{c}|d*e-f"g'h(i):j\\k l` })).toEqual([odd.id]);
    expect(await found({ specialization: "a@b{c}" })).toEqual([]);
    await search.index.remove(odd.id);
    expect(await found({ namePrefix: "tag probe" })).toEqual([]);
  });

  it("combines every filter with AND", async () => {
    expect(await found({ specialization: "cardiologist", day: "monday" })).toEqual([ids.obrien]);
    expect(await found({ specialization: "cardiologist", day: "tuesday" })).toEqual([]);
    expect(await found({ qualification: "mbbs", day: "monday", maxFee: 500 })).toEqual([ids.ayesha]);
    expect(await found({ qualification: "mbbs", day: "monday", maxFee: 299 })).toEqual([]);
    expect(await found({ qualification: "md", text: "heart" })).toEqual([ids.obrien]);
    expect(await found({ qualification: "md", text: "children" })).toEqual([]);
    expect(await found({ namePrefix: "ays", specialization: "pediatrician", day: "TUESDAY" })).toEqual([
      ids.ayesha,
    ]);
  });

  it("stores public fields only: no email, password hash or token in any document", async () => {
    for (const doctorId of Object.values(ids)) {
      const hash = await redis.hgetall(search.index.documentKey(doctorId));
      const text = JSON.stringify(hash);
      expect(Object.keys(hash).length).toBeGreaterThan(0);
      for (const email of emails) expect(text).not.toContain(email);
      expect(text).not.toMatch(/password|argon|email|token/i);
    }
  });

  describe("sorting and paging", () => {
    const base = 910_000_000;
    const docs = Array.from({ length: 25 }, (_, i) =>
      syntheticDocument(base + i, {
        name: `Pager Doctor${i}`,
        specializations: [{ id: 1, name: "pager test", image: "x" }],
        rating: i % 5 === 0 ? null : (i % 5) + 0.5,
        experience: (i * 7) % 25,
        fee: i % 6 === 0 ? null : 100 + ((i * 13) % 25) * 10,
        days: ["friday"],
      }),
    );
    const tagged = (q: Partial<DoctorSearchQuery>) =>
      search.index.search(query({ specialization: "pager test", ...q }));

    beforeAll(async () => {
      await Promise.all(docs.map((d) => search.index.upsert(d)));
    });
    afterAll(async () => {
      await Promise.all(docs.map((d) => search.index.remove(d.id)));
    });

    it("pages beyond 10: page 3 of 25 at 10 per page holds the last 5", async () => {
      const pages = await Promise.all([1, 2, 3, 4].map((page) => tagged({ page, perPage: 10 })));
      expect(pages.map((p) => p.total)).toEqual([25, 25, 25, 25]);
      expect(pages.map((p) => p.doctorsJson.length)).toEqual([10, 10, 5, 0]);
      const all = pages.flatMap((p) => doctorsOf(p).map((d) => d.id));
      expect(new Set(all).size).toBe(25);
      const page = JSON.parse(
        await searchDoctors(search.index, { specialization: "pager test", page: 3, per_page: 10 }),
      ) as { data: unknown[] };
      expect(page).toMatchObject({ page: 3, per_page: 10, total: 25 });
      expect(page.data).toHaveLength(5);
    });

    it("sorts by rating high to low with unrated doctors last", async () => {
      const ratings = doctorsOf(await tagged({ sort: "rating" })).map((d) => d.rating);
      const rated = ratings.filter((r) => r !== null) as number[];
      expect(rated).toEqual([...rated].sort((a, b) => b - a));
      expect(ratings.slice(rated.length).every((r) => r === null)).toBe(true);
      expect(rated).toHaveLength(20);
      const atLeast4 = doctorsOf(await tagged({ minRating: 4 })).map((d) => d.rating);
      expect(atLeast4.length).toBe(5);
      expect(atLeast4.every((r) => r !== null && r >= 4)).toBe(true);
    });

    it("sorts by experience high to low", async () => {
      const years = doctorsOf(await tagged({ sort: "experience" })).map((d) => d.experience);
      expect(years).toEqual([...years].sort((a, b) => b - a));
    });

    it("sorts by lowest fee, low to high, doctors without slots last", async () => {
      const fees = doctorsOf(await tagged({ sort: "fee" })).map((d) =>
        d.slots.length === 0 ? null : Math.min(...d.slots.map((s) => s.consultation_fee)),
      );
      const priced = fees.filter((f) => f !== null) as number[];
      expect(priced).toEqual([...priced].sort((a, b) => a - b));
      expect(fees.slice(priced.length).every((f) => f === null)).toBe(true);
      const cheap = doctorsOf(await tagged({ maxFee: 200, sort: "fee" }));
      expect(cheap.length).toBeGreaterThan(0);
      expect(cheap.every((d) => d.slots.some((s) => s.consultation_fee <= 200))).toBe(true);
      expect((await tagged({ maxFee: Number.MAX_SAFE_INTEGER })).total).toBe(priced.length);
    });
  });

  it("rebuild gives the same search results as incremental projection, then serves from the new index", async () => {
    const mine = new Set(Object.values(ids));
    const queries: Partial<DoctorSearchQuery>[] = [
      { namePrefix: "ays" },
      { text: "O'Brien-Smith (Jr.)" },
      { specialization: "emergency medicine specialist", sort: "experience" },
      { qualification: "mbbs", sort: "fee" },
      { day: "monday" },
      { text: "zed" },
    ];
    const snapshot = async () =>
      Promise.all(
        queries.map(async (q) =>
          doctorsOf(await search.index.search(query(q))).filter((d) => mine.has(d.id)),
        ),
      );
    const before = await snapshot();
    const firstIndex = await redis.get(`${search.name}:current`);

    async function* onlyMine() {
      for await (const document of source.loadAll()) if (mine.has(document.id)) yield document;
    }
    const progress: number[] = [];
    const outcome = await search.index.rebuild(onlyMine(), (n) => progress.push(n));
    expect(outcome.indexed).toBe(mine.size);
    expect(progress.at(-1)).toBe(mine.size);
    expect(outcome.index).not.toBe(firstIndex);
    expect(await redis.get(`${search.name}:current`)).toBe(outcome.index);
    expect(await redis.exists(`${search.name}:building`)).toBe(0);
    await expect(redis.call("FT.INFO", firstIndex as string)).rejects.toThrow(/unknown index/i);

    expect(await snapshot()).toEqual(before);
    expect(before.flat().length).toBeGreaterThan(5);
  });
});
