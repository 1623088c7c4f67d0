import { execFileSync } from "node:child_process";
import path from "node:path";
import { Cluster, type Redis } from "ioredis";
import { projectRoot } from "../../src/config.js";

/** The seeds of the local cluster of scripts/redis-cluster.sh (ports 6464–6469, 3 masters + 3 replicas). */
export const TEST_REDIS_CLUSTER_PORTS = [6464, 6465, 6466, 6467, 6468, 6469];
export const TEST_REDIS_CLUSTER_URL =
  process.env.TEST_REDIS_CLUSTER_URL ??
  TEST_REDIS_CLUSTER_PORTS.map((p) => `redis://127.0.0.1:${p}`).join(",");

/** Starts the local cluster (or checks it is up: idempotent, well under a second). */
export function ensureRedisCluster(): void {
  execFileSync("bash", [path.join(projectRoot, "scripts/redis-cluster.sh")], { stdio: "pipe" });
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
