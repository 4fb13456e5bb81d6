package io.switchboard.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.cluster.ClusterNodes;
import io.switchboard.protocol.Addresses;
import io.switchboard.support.TestNode;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The contract on a real two-member Hazelcast cluster (loopback, cluster.xml). */
@Tag("cluster")
class HazelcastIdempotencyStoreTest extends IdempotencyStoreContract {
  static final String CLUSTER = "idempotency-store-" + UUID.randomUUID();
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
  protected IdempotencyStore store(long windowSeconds) {
    return new HazelcastIdempotencyStore(ClusterNodes.hazelcastInstance(a.vertx), windowSeconds);
  }

  @Override
  protected IdempotencyStore peer(long windowSeconds) {
    return new HazelcastIdempotencyStore(ClusterNodes.hazelcastInstance(b.vertx), windowSeconds);
  }

  @Test
  void aClaimRunTwiceByHazelcastStillWinsForItsCaller() {
    // At least once: a second run of the same claim (same id) finds its own id, not a rival's.
    var map =
        ClusterNodes.hazelcastInstance(a.vertx).<String, String>getMap(Addresses.IDEMPOTENCY_MAP);
    String k = key();
    HazelcastIdempotencyStore.Claim claim = new HazelcastIdempotencyStore.Claim("id-1", 120);
    assertEquals("id-1", map.executeOnKey(k, claim));
    assertEquals("id-1", map.executeOnKey(k, claim));
    assertEquals("id-1", map.executeOnKey(k, new HazelcastIdempotencyStore.Claim("id-2", 120)));
  }
}
