package io.switchboard.idempotency;

import io.switchboard.cluster.ClusterNodes;
import io.vertx.core.Vertx;

/** The node's idempotency keys for topics without history: the cluster's, or memory alone. */
public final class NodeIdempotency {
  private NodeIdempotency() {}

  public static IdempotencyStore open(Vertx vertx, long windowSeconds) {
    return vertx.isClustered()
        ? new HazelcastIdempotencyStore(ClusterNodes.hazelcastInstance(vertx), windowSeconds)
        : new LocalIdempotencyStore(windowSeconds);
  }
}
