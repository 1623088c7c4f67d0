import { randomBytes } from "node:crypto";
import {
  type DoctorDocument,
  type DoctorSearchIndex,
  type DoctorSearchPage,
  type DoctorSearchQuery,
  type RebuildOutcome,
  SearchQueryError,
  SearchUnavailableError,
} from "../../ports/doctor-search.js";
import { buildDoctorSearch, documentFields, SCHEMA } from "./doctor-search.query.js";
import { asMap, isStillIndexing, parseSearchReply, UnexpectedSearchReplyError } from "./search-replies.js";

/** The one Redis command an index needs; ioredis' `call` fits, and unit tests pass a recording fake. */
export interface SearchRedis {
  call(command: string, ...args: string[]): Promise<unknown>;
}

export interface RediSearchDoctorIndexOptions {
  /** Hash keys of documents are `<keyPrefix><doctor id>`; tests pass a private prefix. */
  readonly keyPrefix?: string;
  /** How long search trusts its copy of the current index name before reading it again. */
  readonly currentNameTtlMs?: number;
  /** RediSearch 2.x indexes existing hashes in the background; how long a rebuild waits for it. */
  readonly backgroundIndexingTimeoutMs?: number;
  /** RediSearch stops a query after this long and answers what it found so far (`TIMEOUT` argument). */
  readonly queryTimeoutMs?: number;
}

/**
 * RediSearch's words for a query it refuses or one that ran past its timeout under a "fail" policy.
 * Client text never reaches it as syntax, so these mean a query the service should not run: 400.
 */
const isQueryError = (error: unknown) =>
  error instanceof Error &&
  !(error instanceof UnexpectedSearchReplyError) &&
  /syntax error|timeout limit|bad arguments|invalid|unknown field/i.test(error.message) &&
  !isUnknownIndex(error);

const isUnknownIndex = (error: unknown) =>
  error instanceof Error && /unknown index|no such index/i.test(error.message);
/**
 * Only ensureIndex() creates an index, so that whoever creates one (the workers' watchdog) also knows
 * to fill it from Postgres; everybody else treats a missing index as "not built yet" (search answers
 * 503, a projection job retries) instead of quietly creating an empty one that would never be filled.
 */
const notBuilt = () => new Error("Unknown index: the doctor index has not been built yet");
const isIndexExists = (error: unknown) =>
  error instanceof Error && /index already exists/i.test(error.message);

/** In 2.x writes are plain hashes; DEL first so that a field that went away (a rating) does not linger. */
const REPLACE_HASH = "redis.call('DEL', KEYS[1]); return redis.call('HSET', KEYS[1], unpack(ARGV))";
const DELETE_IF_EQUAL =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/**
 * The doctor index on RediSearch 1.x (Debian's module: documents written through `FT.ADD … REPLACE`)
 * or 2.x (Redis Stack: `ON HASH PREFIX` + `HSET`), detected with `MODULE LIST`.
 *
 * Index names: RediSearch 1.x has no aliases, so the physical index serving searches is named in the
 * key `<name>:current`; a rebuild fills a fresh index (named in `<name>:building`, so that projector
 * writes made meanwhile land in both), then swaps `current` to it and drops the old one. Searchers
 * cache the current name briefly and re-read it when RediSearch says the index is gone.
 */
export class RediSearchDoctorIndex implements DoctorSearchIndex {
  private major: Promise<number> | null = null;
  private current: { readonly name: string; readonly until: number } | null = null;
  private readonly keyPrefix: string;
  private readonly currentNameTtlMs: number;
  private readonly backgroundIndexingTimeoutMs: number;
  private readonly timeoutArgs: readonly string[];
  private readonly currentKey: string;
  private readonly buildingKey: string;

  constructor(
    private readonly redis: SearchRedis,
    private readonly name: string,
    options: RediSearchDoctorIndexOptions = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? "doctor:";
    this.currentNameTtlMs = options.currentNameTtlMs ?? 1_000;
    this.backgroundIndexingTimeoutMs = options.backgroundIndexingTimeoutMs ?? 60_000;
    this.timeoutArgs =
      options.queryTimeoutMs === undefined ? [] : ["TIMEOUT", String(options.queryTimeoutMs)];
    this.currentKey = `${name}:current`;
    this.buildingKey = `${name}:building`;
  }

  /** The key of a doctor's document hash. */
  documentKey(doctorId: number): string {
    return `${this.keyPrefix}${doctorId}`;
  }

  async ensureIndex(): Promise<{ created: boolean }> {
    const { created } = await this.ensureCurrent();
    return { created };
  }

  private async ensureCurrent(): Promise<{ name: string; created: boolean }> {
    let name = (await this.redis.call("GET", this.currentKey)) as string | null;
    if (name === null) {
      // NX: of several processes starting at once, one name wins and everybody creates that one.
      await this.redis.call("SET", this.currentKey, this.freshName(), "NX");
      name = (await this.redis.call("GET", this.currentKey)) as string;
    }
    const created = await this.create(name);
    this.current = { name, until: Date.now() + this.currentNameTtlMs };
    return { name, created };
  }

  async upsert(document: DoctorDocument): Promise<void> {
    const fields = documentFields(document);
    const key = this.documentKey(document.id);
    if ((await this.moduleMajor()) >= 2) {
      await this.redis.call("EVAL", REPLACE_HASH, "1", key, ...fields);
      return;
    }
    await this.onEveryTarget((index) =>
      this.redis.call("FT.ADD", index, key, "1.0", "REPLACE", "FIELDS", ...fields),
    );
  }

  async remove(doctorId: number): Promise<void> {
    const key = this.documentKey(doctorId);
    if ((await this.moduleMajor()) < 2) {
      await this.onEveryTarget((index) => this.redis.call("FT.DEL", index, key));
    }
    await this.redis.call("DEL", key);
  }

  async search(query: DoctorSearchQuery): Promise<DoctorSearchPage> {
    const built = buildDoctorSearch(query);
    if (built.query === null) return { total: 0, doctorsJson: [] };
    const args = [built.query, ...built.options, ...this.timeoutArgs];
    try {
      let reply: unknown;
      try {
        reply = await this.redis.call("FT.SEARCH", await this.currentName(), ...args);
      } catch (error) {
        if (!isUnknownIndex(error)) throw error;
        this.current = null;
        reply = await this.redis.call("FT.SEARCH", await this.currentName(), ...args);
      }
      const { total, doctorsJson } = parseSearchReply(reply);
      return { total, doctorsJson: built.countOnly ? [] : doctorsJson };
    } catch (error) {
      if (isQueryError(error)) {
        throw new SearchQueryError(`RediSearch refused the query: ${(error as Error).message}`, {
          cause: error,
        });
      }
      throw new SearchUnavailableError(
        `doctor search failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }

  /**
   * Proves that searching works end to end: a match-all query against the index that serves searches,
   * answered in a form the reply reader understands. Throws when the index is not built, RediSearch
   * refuses the query, or the reply is of an unknown shape (a readiness check, not only `MODULE LIST`).
   */
  async probe(): Promise<{ readonly documents: number }> {
    const reply = await this.redis.call(
      "FT.SEARCH",
      await this.currentName(),
      "*",
      "LIMIT",
      "0",
      "1",
      "RETURN",
      "1",
      "json",
    );
    const { total, doctorsJson } = parseSearchReply(reply);
    if (total > 0 && doctorsJson.length === 0) {
      throw new Error("the doctor index answered hits without their stored documents");
    }
    return { documents: total };
  }

  async rebuild(
    documents: AsyncIterable<DoctorDocument>,
    onProgress?: (indexed: number) => void,
  ): Promise<RebuildOutcome> {
    const major = await this.moduleMajor();
    const fresh = this.freshName();
    await this.create(fresh);
    // Expires on its own if this process dies midway, so projectors stop writing into an orphan.
    await this.redis.call("SET", this.buildingKey, fresh, "EX", "3600");
    try {
      let indexed = 0;
      let batch: Promise<unknown>[] = [];
      const flush = async () => {
        await Promise.all(batch);
        indexed += batch.length;
        batch = [];
        onProgress?.(indexed);
      };
      for await (const document of documents) {
        const fields = documentFields(document);
        const key = this.documentKey(document.id);
        batch.push(
          major >= 2
            ? this.redis.call("EVAL", REPLACE_HASH, "1", key, ...fields)
            : this.redis.call("FT.ADD", fresh, key, "1.0", "REPLACE", "FIELDS", ...fields),
        );
        if (batch.length >= 50) await flush();
      }
      await flush();
      if (major >= 2) await this.awaitBackgroundIndexing(fresh);

      const previous = (await this.redis.call("GETSET", this.currentKey, fresh)) as string | null;
      await this.redis.call("EVAL", DELETE_IF_EQUAL, "1", this.buildingKey, fresh);
      this.current = { name: fresh, until: Date.now() + this.currentNameTtlMs };
      if (previous !== null && previous !== fresh) await this.drop(previous, major);
      return { indexed, index: fresh };
    } catch (error) {
      await this.redis.call("EVAL", DELETE_IF_EQUAL, "1", this.buildingKey, fresh).catch(() => undefined);
      await this.drop(fresh, major).catch(() => undefined);
      throw error;
    }
  }

  private async currentName(): Promise<string> {
    if (this.current && this.current.until > Date.now()) return this.current.name;
    const name = (await this.redis.call("GET", this.currentKey)) as string | null;
    if (name === null) throw notBuilt();
    this.current = { name, until: Date.now() + this.currentNameTtlMs };
    return name;
  }

  /**
   * Runs a 1.x write against the current index and the one being rebuilt. Names are read fresh on
   * every write (not cached) so that no write made during a rebuild misses the new index; when a swap
   * dropped an index between the read and the write, the names are read again once.
   */
  private async onEveryTarget(write: (index: string) => Promise<unknown>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const [current, building] = (await this.redis.call("MGET", this.currentKey, this.buildingKey)) as [
        string | null,
        string | null,
      ];
      const targets = [...new Set([current, building])].filter((name) => name !== null);
      if (targets.length === 0) throw notBuilt();
      try {
        await Promise.all(targets.map(write));
        return;
      } catch (error) {
        if (attempt > 0 || !isUnknownIndex(error)) throw error;
      }
    }
  }

  /** Creates the index; false when it already existed. */
  private async create(index: string): Promise<boolean> {
    const major = await this.moduleMajor();
    const source = major >= 2 ? ["ON", "HASH", "PREFIX", "1", this.keyPrefix] : [];
    try {
      await this.redis.call("FT.CREATE", index, ...source, "STOPWORDS", "0", "SCHEMA", ...SCHEMA);
      return true;
    } catch (error) {
      if (isIndexExists(error)) return false;
      throw error;
    }
  }

  /** Drops an index but keeps the document hashes, which the index that replaced it still uses. */
  private async drop(index: string, major: number): Promise<void> {
    try {
      await (major >= 2
        ? this.redis.call("FT.DROPINDEX", index)
        : this.redis.call("FT.DROP", index, "KEEPDOCS"));
    } catch (error) {
      if (!isUnknownIndex(error)) throw error;
    }
  }

  private async awaitBackgroundIndexing(index: string): Promise<void> {
    const deadline = Date.now() + this.backgroundIndexingTimeoutMs;
    for (;;) {
      if (!isStillIndexing(await this.redis.call("FT.INFO", index))) return;
      if (Date.now() > deadline) throw new Error(`index ${index} still indexing after the deadline`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private moduleMajor(): Promise<number> {
    this.major ??= detectSearchModuleMajor(this.redis).catch((error: unknown) => {
      this.major = null;
      throw error;
    });
    return this.major;
  }

  private freshName(): string {
    return `${this.name}:${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  }
}

/** `MODULE LIST` names the module `ft` (1.x, ver 10200 = 1.2.0) or `search` (2.x and later). */
export async function detectSearchModuleMajor(redis: SearchRedis): Promise<number> {
  const modules = await redis.call("MODULE", "LIST");
  for (const entry of Array.isArray(modules) ? modules : []) {
    const fields = asMap(entry) ?? new Map<string, unknown>();
    const name = String(fields.get("name") ?? "").toLowerCase();
    if (name !== "ft" && name !== "search") continue;
    const version = Number(fields.get("ver"));
    return Number.isFinite(version) && version > 0 ? Math.floor(version / 10_000) : 2;
  }
  throw new SearchUnavailableError("the RediSearch module is not loaded on this Redis");
}
