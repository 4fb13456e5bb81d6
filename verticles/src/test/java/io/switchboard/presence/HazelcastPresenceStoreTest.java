package io.switchboard.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.switchboard.cluster.ClusterNodes;
import io.switchboard.support.Await;
import io.switchboard.support.TestNode;
import io.vertx.core.Context;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real two-member Hazelcast cluster (loopback, cluster.xml), plus what only
 * a cluster has: a store started later reads what is there, and a member that dies has its
 * presences removed by the survivors.
 */
@Tag("cluster")
class HazelcastPresenceStoreTest extends PresenceStoreContract {
  static final String CLUSTER = "presence-store-" + UUID.randomUUID();
  static TestNode a;
  static TestNode b;
  static Context context;

  @BeforeAll
  static void start() {
    a = TestNode.startClustered(CLUSTER, cfg -> {});
    b = TestNode.startClustered(CLUSTER, cfg -> {});
    context = a.vertx.getOrCreateContext();
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
  protected PresenceStore newStore() {
    return new HazelcastPresenceStore(ClusterNodes.hazelcastInstance(a.vertx));
  }

  @Override
  protected Context context() {
    return context;
  }

  @Override
  protected String otherNode() {
    return ClusterNodes.hazelcastInstance(b.vertx)
        .getCluster()
        .getLocalMember()
        .getUuid()
        .toString();
  }

  @Test
  void aStoreStartedLaterIsFedWhatIsAlreadyStoredAsJoins() {
    Feed first = new Feed(topic());
    PresenceStore store = started(first);
    PresenceEntry e = entry(first.topic, "bob", store.selfNode());
    Await.result(store.put(e));
    first.next();

    Feed later = new Feed(first.topic);
    started(later);
    PresenceStore.Change join = later.next();
    assertNull(join.before());
    assertEquals(e, join.after());
  }

  @Test
  void aMemberThatDiesHasItsPresencesRemovedByTheSurvivors() {
    Feed watching = new Feed(topic());
    started(watching);
    TestNode doomed = TestNode.startClustered(CLUSTER, cfg -> {});
    try {
      PresenceStore theirs =
          new HazelcastPresenceStore(ClusterNodes.hazelcastInstance(doomed.vertx));
      Await.result(theirs.start(doomed.vertx.getOrCreateContext(), c -> {}));
      PresenceEntry e = entry(watching.topic, "erin", theirs.selfNode());
      Await.result(theirs.put(e));
      assertEquals(e, watching.next().after());

      // As a SIGKILL: no goodbye, no clean-up of its own; the backup keeps the entry alive
      // meanwhile.
      ClusterNodes.hazelcastInstance(doomed.vertx).getLifecycleService().terminate();
      PresenceStore.Change leave = watching.next();
      assertEquals(e, leave.before());
      assertNull(leave.after());
    } finally {
      try {
        Await.result(doomed.vertx.close(), Duration.ofSeconds(30));
      } catch (RuntimeException | AssertionError alreadyGone) {
        // its Hazelcast was terminated under it: Vert.x may fail to leave a cluster it is not in
      }
    }
  }
}
