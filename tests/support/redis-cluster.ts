import { execFileSync } from "node:child_process";
import path from "node:path";
import { Cluster, type Redis } from "ioredis";
import { projectRoot } from "../../src/config.js";

/**
 * The ports of the local cluster of scripts/redis-cluster.sh (3 masters + 3 replicas): 6464–6469 unless
 * TEST_REDIS_CLUSTER_BASE_PORT moves them (the script then starts it there too).
 */
export const TEST_REDIS_CLUSTER_BASE_PORT = Number(process.env.TEST_REDIS_CLUSTER_BASE_PORT ?? 6464);
export const TEST_REDIS_CLUSTER_PORTS = Array.from({ length: 6 }, (_, i) => TEST_REDIS_CLUSTER_BASE_PORT + i);
export const TEST_REDIS_CLUSTER_URL =
  process.env.TEST_REDIS_CLUSTER_URL ??
  TEST_REDIS_CLUSTER_PORTS.map((p) => `redis://127.0.0.1:${p}`).join(",");

/** Starts the local cluster (or checks it is up: idempotent, well under a second). */
export function ensureRedisCluster(): void {
  execFileSync("bash", [path.join(projectRoot, "scripts/redis-cluster.sh")], {
    stdio: "pipe",
    env: { ...process.env, REDIS_CLUSTER_BASE_PORT: String(TEST_REDIS_CLUSTER_BASE_PORT) },
  });
}

/** A plain cluster client for the test's own look at the keys. */
export function clusterClient(): Cluster {
  return new Cluster(TEST_REDIS_CLUSTER_PORTS.map((port) => ({ host: "127.0.0.1", port })));
}

/** Every key on every master matching `pattern` (a cluster's KEYS answers one node's). */
export async function clusterKeys(cluster: Cluster, pattern: string): Promise<string[]> {
  const keys = await Promise.all(cluster.nodes("master").map((node: Redis) => node.keys(pattern)));
  return keys.flat();
}
