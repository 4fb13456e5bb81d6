package io.switchboard.cluster;

import io.switchboard.acceptance.PhoenixJsClientTest;
import io.switchboard.support.TestNode;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of sockets join one new topic at the same moment on a clustered node. The node's cluster
 * registration for the topic is started by one socket-verticle instance and completes on its event
 * loop; joins waiting on the other instances must still be answered on their own loop. (Before that
 * was ensured, a one-node cluster started from the fat jar answered 86 of 300 such joins. This
 * in-JVM node listens on port 0, which until every instance shared it left all its sockets on one
 * instance, so the test could not show the race at all; now it can, but only by chance. The guards
 * are the broker's contract test (callbacks on the caller's loop) and JoinStormClusterIT, which
 * failed in every run without the fix.)
 */
@Tag("cluster")
class JoinBurstTest {

  @Test
  void simultaneousFirstJoinsOfATopicAreAllAnswered() throws Exception {
    try (TestNode node =
        TestNode.startClustered(
            "burst-" + UUID.randomUUID(),
            // All 300 sockets are one user's: the test is about joins, not the per-user cap.
            c -> {
              c.http().socketInstances(4);
              c.limits().maxConnectionsPerUser(1_000);
            })) {
      PhoenixJsClientTest.runNodeTests(
          "join-burst.test.js",
          Map.of(
              "WS_URL",
              "ws://127.0.0.1:" + node.port(),
              "TOKEN",
              node.token("burst"),
              "TOPIC",
              "room:burst"),
          line -> {});
    }
  }
}
