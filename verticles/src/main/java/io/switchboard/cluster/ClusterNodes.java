package io.switchboard.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;

/**
 * The cluster as Vert.x's cluster manager sees it: this node's id, the members, and the Hazelcast
 * instance behind them (where cluster state such as presence and history belongs). Vert.x 5 reaches
 * the cluster manager only through its internal interface; this is the one place that does.
 */
public final class ClusterNodes {
  /** The id of a node that is not clustered. */
  public static final String LOCAL = "local";

  private ClusterNodes() {}

  /** This node's cluster id, or {@link #LOCAL} on a single node. */
  public static String selfId(Vertx vertx) {
    return vertx.isClustered() ? ((VertxInternal) vertx).clusterManager().getNodeId() : LOCAL;
  }

  /** Every member's id, this node's included; just {@link #LOCAL} on a single node. */
  public static List<String> memberIds(Vertx vertx) {
    return vertx.isClustered()
        ? List.copyOf(((VertxInternal) vertx).clusterManager().getNodes())
        : List.of(LOCAL);
  }

  /** The Hazelcast cluster manager of a clustered node. */
  public static HazelcastClusterManager hazelcast(Vertx vertx) {
    if (!vertx.isClustered()) {
      throw new IllegalStateException("not clustered");
    }
    return (HazelcastClusterManager) ((VertxInternal) vertx).clusterManager();
  }

  /** The Hazelcast instance of a clustered node. */
  public static HazelcastInstance hazelcastInstance(Vertx vertx) {
    return hazelcast(vertx).getHazelcastInstance();
  }
}
