package io.switchboard.cluster;

import static io.switchboard.support.LongPollClient.frame;
import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.support.LongPollClient;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Behind a load balancer without stickiness, a long-poll client's requests land on any node: two
 * clustered nodes on loopback, the session opened on one, every later poll and POST sent to the
 * other, which forwards them over the clustered event bus to the session's node.
 */
@Tag("cluster")
class LongPollClusterTest {

  @Test
  void pollsAndPostsOnTheOtherNodeReachTheSession() {
    String name = "longpoll-cluster-" + UUID.randomUUID();
    try (TestNode a = TestNode.startClustered(name, c -> {});
        TestNode b = TestNode.startClustered(name, c -> {});
        TestSocket bob = a.connect("bob")) {
      HttpClient http = LongPollClient.newHttpClient();
      LongPollClient onA = new LongPollClient(http, a.port());
      assertEquals(410, onA.open(a.token("alice")).getInteger("status"));
      LongPollClient onB = onA.via(http, b.port());

      assertEquals(
          200,
          onB.post(frame("1", "1", "room:lp-cluster", "phx_join", new JsonObject()))
              .getInteger("status"));
      assertEquals("ok", status(onB.reply("1")));
      assertEquals("ok", status(bob.join("1", "room:lp-cluster")));

      // The session and bob are on node a: a broadcast from bob is polled through b.
      bob.send("1", "2", "room:lp-cluster", "shout", new JsonObject().put("body", "from ws"));
      JsonArray got = onB.event("room:lp-cluster", "shout");
      assertEquals("from ws", got.getJsonObject(4).getString("body"));

      onB.post(
          frame("1", "2", "room:lp-cluster", "shout", new JsonObject().put("body", "from lp")));
      JsonArray atBob =
          bob.await(
              "alice's shout",
              f ->
                  "shout".equals(f.getString(3))
                      && "from lp".equals(f.getJsonObject(4).getString("body")));
      assertEquals("from lp", atBob.getJsonObject(4).getString("body"));
    }
  }
}
