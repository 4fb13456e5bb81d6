package io.switchboard.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.switchboard.metrics.MetricNames;
import io.switchboard.support.Await;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.UpgradeRejectedException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code limits.maxConnectionsPerUser} (3 here): a user's socket past it is refused with 429 before
 * the upgrade, other users are not affected, and a closed socket gives its place back. The node has
 * two socket verticle instances, so a user's sockets are counted across event loops.
 */
class ConnectionsPerUserTest {
  static final String SOCKETS = MetricNames.CONNECTIONS.replace('.', '_');
  static final String REJECTED =
      MetricNames.REJECTED_CONNECTIONS.replace('.', '_') + "_total{reason=\"user_limit\"}";

  @Test
  void aUserPastTheLimitGets429AndAClosedSocketGivesItsPlaceBack() {
    try (TestNode node = TestNode.start(c -> c.limits().maxConnectionsPerUser(3))) {
      HttpClient metrics = node.vertx.createHttpClient();
      List<TestSocket> alice = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        alice.add(node.connect("alice"));
      }
      assertEquals(429, refusal(node, "alice").getStatus());
      assertEquals(1, Scrape.value(metrics, node.main.metricsPort(), REJECTED));

      try (TestSocket bob = node.connect("bob")) {
        assertEquals("ok", TestSocket.status(bob.join("1", "room:u")));
        assertEquals("ok", TestSocket.status(alice.get(2).join("1", "room:u")));

        alice.remove(0).close();
        Await.until(
            "alice's closed socket counted out",
            () -> Scrape.value(metrics, node.main.metricsPort(), SOCKETS) == 3);
        alice.add(node.connect("alice"));
        assertEquals(429, refusal(node, "alice").getStatus());
      }
      alice.forEach(TestSocket::close);
      Await.until(
          "every socket closed",
          () -> Scrape.value(metrics, node.main.metricsPort(), SOCKETS) == 0);
      // Refusals took no place: alice has all three again.
      for (int i = 0; i < 3; i++) {
        alice.add(node.connect("alice"));
      }
      alice.forEach(TestSocket::close);
    }
  }

  private static UpgradeRejectedException refusal(TestNode node, String user) {
    Throwable err =
        Await.failure(
            TestSocket.attempt(
                node.client(),
                TestSocket.options(node.port(), "token=" + node.token(user) + "&vsn=2.0.0")));
    return assertInstanceOf(UpgradeRejectedException.class, err);
  }
}
