package io.switchboard.history;

import io.switchboard.cluster.ClusterNodes;
import io.vertx.core.Vertx;

/** The node's history store: the cluster's when clustered, memory on a single node. */
public final class NodeHistory {
  /** How often a single node forgets streams nobody appended to for a day. */
  private static final long SWEEP_EVERY_MS = 600_000;

  private NodeHistory() {}

  /**
   * @param idempotencyWindowSeconds how long a stream remembers a publish's idempotency key
   */
  public static HistoryStore open(Vertx vertx, long idempotencyWindowSeconds) {
    if (vertx.isClustered()) {
      return new HazelcastHistoryStore(
          ClusterNodes.hazelcastInstance(vertx), idempotencyWindowSeconds);
    }
    LocalHistoryStore local = new LocalHistoryStore(idempotencyWindowSeconds);
    vertx.setPeriodic(SWEEP_EVERY_MS, id -> local.sweep(System.currentTimeMillis()));
    return local;
  }
}
