package io.switchboard.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.cluster.ClusterNodes;
import io.switchboard.support.Await;
import io.switchboard.support.TestNode;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The contract on a real two-member Hazelcast cluster (loopback, cluster.xml), plus what only a
 * cluster has: a member that dies loses no history (the backup takes over).
 */
@Tag("cluster")
class HazelcastHistoryStoreTest extends HistoryStoreContract {
  static final String CLUSTER = "history-store-" + UUID.randomUUID();
  static TestNode a;
  static TestNode b;

  @BeforeAll
  static void start() {
    a = TestNode.startClustered(CLUSTER, cfg -> {});
    b = TestNode.startClustered(CLUSTER, cfg -> {});
  }

  @AfterAll
  static void stop() {
    for (TestNode n : new TestNode[] {b, a}) {
      if (n != null) {
        n.close();
      }
    }
  }

  @Override
  protected HistoryStore store() {
    return new HazelcastHistoryStore(ClusterNodes.hazelcastInstance(a.vertx));
  }

  @Override
  protected HistoryStore peer() {
    return new HazelcastHistoryStore(ClusterNodes.hazelcastInstance(b.vertx));
  }

  @Test
  void aMemberThatDiesLosesNoHistory() {
    String cluster = "history-loss-" + UUID.randomUUID();
    TestNode x = TestNode.startClustered(cluster, cfg -> {});
    TestNode y = TestNode.startClustered(cluster, cfg -> {});
    try {
      // Backups are whole once migrations are done; a member lost mid-migration can lose data.
      Await.until(
          "the partitions are migrated",
          () -> ClusterNodes.hazelcastInstance(x.vertx).getPartitionService().isClusterSafe());
      HistoryStore sx = new HazelcastHistoryStore(ClusterNodes.hazelcastInstance(x.vertx));
      // Enough topics that both members own some.
      java.util.Map<String, StreamPosition> heads = new java.util.HashMap<>();
      for (int i = 0; i < 40; i++) {
        String t = topic();
        append(sx, t, "a");
        heads.put(t, append(sx, t, "b"));
      }
      ClusterNodes.hazelcastInstance(x.vertx).getLifecycleService().terminate();
      HistoryStore sy = new HazelcastHistoryStore(ClusterNodes.hazelcastInstance(y.vertx));
      heads.forEach(
          (t, head) -> {
            HistorySlice slice = Await.result(sy.read(t, KEEP_5, 0, 10));
            assertEquals(head, slice.head(), t);
            assertEquals(2, slice.entries().size(), t);
          });
    } finally {
      y.close();
      x.close();
    }
  }
}
