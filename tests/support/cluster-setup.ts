import { ensureRedisCluster } from "./redis-cluster.js";

/** The second configuration needs the local Redis Cluster (scripts/redis-cluster.sh): started, or checked up. */
export default function setup() {
  ensureRedisCluster();
}
