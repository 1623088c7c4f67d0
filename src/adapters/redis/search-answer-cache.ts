import type {
  DoctorDocument,
  DoctorSearchIndex,
  DoctorSearchPage,
  DoctorSearchQuery,
  RebuildOutcome,
} from "../../ports/doctor-search.js";
import type { Logger } from "../../ports/logger.js";
import type { RedisConnection } from "./client.js";
import { InvalidationListener } from "./invalidation-listener.js";

/** Where every process announces that it changed the search index (any doctor, any rebuild). */
const SEARCH_CHANGE_CHANNEL = "doctorly:v1:search-index-changes";

export interface SearchAnswerCacheOptions {
  /** How long a search answer may be answered from this process's memory, at most. */
  readonly ttlMs: number;
  /** The oldest answers are dropped when the answers held exceed this many characters (8 Mi by default). */
  readonly maxChars?: number;
  readonly now?: () => number;
}

interface Entry {
  readonly page: DoctorSearchPage;
  readonly chars: number;
  readonly expiresAt: number;
}

/** The query with its fields in one order, so that equal queries have one key. */
const searchKeyOf = (q: DoctorSearchQuery): string =>
  JSON.stringify([
    q.text ?? null,
    q.namePrefix ?? null,
    q.specialization ?? null,
    q.qualification ?? null,
    q.day ?? null,
    q.minRating ?? null,
    q.maxFee ?? null,
    q.sort,
    q.page,
    q.perPage,
  ]);

/**
 * The search index with its answers kept in this process's memory for up to `ttlMs`, keyed by the query
 * (ADR 0011). Every write to the index through any process (the projector's upserts and removals, a
 * rebuild) is announced on a Redis channel once it is done, and every process then drops every answer it
 * holds: an answer older than the last change it heard is never given. A search under way when a change
 * arrives keeps nothing; while this process is not subscribed (Redis away, reconnecting), nothing is kept.
 * Search was already behind Postgres by the projection's lag ("a second or two"); the cache adds at most
 * the message's latency, or `ttlMs` should a message be lost.
 */
export class CachedDoctorSearchIndex implements DoctorSearchIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly maxChars: number;
  private readonly now: () => number;
  private heldChars = 0;
  private changesHeard: InvalidationListener | null = null;
  /** Bumped by every change heard: a search that saw it move while waiting for Redis keeps nothing. */
  private generation = 0;
  private announcing = false;

  constructor(
    private readonly inner: DoctorSearchIndex,
    private readonly publisher: RedisConnection,
    subscriber: RedisConnection | null,
    private readonly logger: Logger,
    private readonly options: SearchAnswerCacheOptions,
  ) {
    this.maxChars = options.maxChars ?? 8 * 1024 * 1024;
    this.now = options.now ?? Date.now;
    // Without a subscription (or a TTL) nothing is kept, but this process's writes are still announced.
    if (!subscriber || options.ttlMs <= 0) return;
    this.changesHeard = new InvalidationListener(
      subscriber,
      SEARCH_CHANGE_CHANNEL,
      { onMessage: () => this.forgetAll(), reset: () => this.forgetAll() },
      logger,
      "search index changes not subscribed; answering from the index only",
    );
  }

  /** True while changes are being heard (and memory may answer). */
  get listening(): boolean {
    return this.changesHeard?.listening ?? false;
  }

  async search(query: DoctorSearchQuery): Promise<DoctorSearchPage> {
    const key = searchKeyOf(query);
    if (this.listening) {
      const entry = this.entries.get(key);
      if (entry && entry.expiresAt > this.now()) return entry.page;
    }
    const seen = this.generation;
    const page = await this.inner.search(query);
    if (this.listening && seen === this.generation) this.remember(key, page);
    return page;
  }

  ensureIndex(): Promise<{ created: boolean }> {
    return this.inner.ensureIndex();
  }

  async upsert(document: DoctorDocument): Promise<void> {
    await this.inner.upsert(document);
    this.changed();
  }

  async remove(doctorId: number): Promise<void> {
    await this.inner.remove(doctorId);
    this.changed();
  }

  async rebuild(
    documents: AsyncIterable<DoctorDocument>,
    onProgress?: (indexed: number) => void,
  ): Promise<RebuildOutcome> {
    const outcome = await this.inner.rebuild(documents, onProgress);
    this.forgetAll();
    await this.announce();
    return outcome;
  }

  /**
   * Drops this process's answers at once and announces the change to the others: once for the writes
   * of one turn of the event loop (a projector's batch upserts its doctors together).
   */
  private changed() {
    this.forgetAll();
    if (this.announcing) return;
    this.announcing = true;
    setImmediate(() => void this.announce());
  }

  private async announce() {
    this.announcing = false;
    try {
      await this.publisher.publish(SEARCH_CHANGE_CHANNEL, "1");
    } catch (error) {
      // Other processes are then told nothing: their answers expire within ttlMs.
      this.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        "search index change not published",
      );
    }
  }

  private remember(key: string, page: DoctorSearchPage) {
    let chars = 64;
    for (const json of page.doctorsJson) chars += json.length;
    if (chars > this.maxChars) return;
    this.forget(key);
    for (const [oldest] of this.entries) {
      if (this.heldChars + chars <= this.maxChars) break;
      this.forget(oldest);
    }
    this.entries.set(key, { page, chars, expiresAt: this.now() + this.options.ttlMs });
    this.heldChars += chars;
  }

  private forget(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.heldChars -= entry.chars;
  }

  private forgetAll() {
    this.generation++;
    this.entries.clear();
    this.heldChars = 0;
  }
}
