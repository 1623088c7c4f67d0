/** One unpublished outbox row; `id` is the bigint id as a decimal string. */
export interface OutboxEntry {
  readonly id: string;
  readonly type: string;
  readonly payload: unknown;
  readonly createdAt: string;
}

export interface OutboxReader {
  /**
   * In one transaction: claims up to `limit` unpublished entries in id order (skipping rows another relay
   * holds), hands them to `publish`, and marks them published only if `publish` resolves.
   * Returns how many entries were published.
   */
  publishBatch(limit: number, publish: (entries: readonly OutboxEntry[]) => Promise<void>): Promise<number>;
}
