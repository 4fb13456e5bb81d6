package io.switchboard.cluster;

import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.protocol.Addresses;
import io.switchboard.support.Await;
import io.switchboard.support.ClusterRoutes;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Three all-in-one nodes clustered on loopback (random cluster name), real sockets on each. */
@Tag("cluster")
class ClusterTest {
  static TestNode a;
  static TestNode b;
  static TestNode c;
  static HttpClient http;

  @BeforeAll
  static void start() {
    String name = "cluster-test-" + UUID.randomUUID();
    a = TestNode.startClustered(name, cfg -> {});
    b = TestNode.startClustered(name, cfg -> {});
    c = TestNode.startClustered(name, cfg -> {});
    http = a.vertx.createHttpClient();
    Await.until(
        "every node sees three in its cluster view",
        () ->
            List.of(a, b, c).stream().allMatch(n -> metric(n, "switchboard_cluster_nodes") == 3.0));
  }

  @AfterAll
  static void stop() {
    for (TestNode n : new TestNode[] {c, b, a}) {
      if (n != null) {
        n.close();
      }
    }
  }

  static double metric(TestNode n, String series) {
    return Scrape.value(http, n.main.metricsPort(), series);
  }

  static double received(TestNode n) {
    return metric(n, "switchboard_cluster_received_total");
  }

  @Test
  void broadcastReachesSubscribersOnEveryNodeAndOnlyInterestedNodesGetAMessage() {
    try (TestSocket onA = a.connect("ua");
        TestSocket onB = b.connect("ub");
        TestSocket onC = c.connect("uc")) {
      onA.join("1", "room:x1");
      onB.join("1", "room:x1");
      onC.join("1", "room:other");
      ClusterRoutes.await(a, "room:x1", onB);
      ClusterRoutes.await(a, "room:other", onC);
      double aBefore = received(a);
      double bBefore = received(b);
      double cBefore = received(c);

      onA.send("1", "2", "room:x1", "shout", new JsonObject().put("from", "a"));
      assertEquals("ok", status(onA.reply("2")));
      assertEquals("a", onA.event("room:x1", "shout").getJsonObject(4).getString("from"));
      assertEquals("a", onB.event("room:x1", "shout").getJsonObject(4).getString("from"));

      // A marker broadcast to room:other (subscribed only on C) orders C's counter after the first
      // broadcast.
      onA.join("3", "room:other");
      onA.send("3", "4", "room:other", "shout", new JsonObject());
      onC.event("room:other", "shout");
      // k = 1 other interested node for room:x1 (B) and 1 for room:other (C): exactly one message
      // each.
      assertEquals(bBefore + 1, received(b));
      assertEquals(cBefore + 1, received(c));
      assertEquals(aBefore, received(a), "the publisher's own copy is not a cluster delivery");
    }
  }

  @Test
  void subscribersOnTwoOtherNodesCostExactlyTwoClusterMessages() {
    try (TestSocket onB = b.connect("ub");
        TestSocket onC = c.connect("uc");
        TestSocket sender = a.connect("ua")) {
      onB.join("1", "room:k2");
      onC.join("1", "room:k2");
      sender.join("1", "room:k2");
      ClusterRoutes.await(a, "room:k2", onB, onC);
      double before = received(a) + received(b) + received(c);
      sender.send("1", "2", "room:k2", "shout", new JsonObject());
      onB.event("room:k2", "shout");
      onC.event("room:k2", "shout");
      assertEquals(before + 2, received(a) + received(b) + received(c));
    }
  }

  @Test
  void backendPublishOnAnyNodeReachesSubscribersEverywhere() {
    try (TestSocket onA = a.connect("42");
        TestSocket onB = b.connect("42")) {
      onA.join("1", "notifications:42");
      onB.join("1", "notifications:42");
      for (TestNode publisher : List.of(a, b, c)) {
        ClusterRoutes.await(publisher, "notifications:42", onA, onB);
      }
      for (TestNode publisher : List.of(a, b, c)) {
        String tag = "via-" + publisher.port();
        // Local-only: handled by this node's router (a plain request may go to any node's).
        Await.result(
            publisher
                .vertx
                .eventBus()
                .request(
                    Addresses.PUBLISH,
                    new JsonObject()
                        .put("topic", "notifications:42")
                        .put("event", "note")
                        .put("payload", new JsonObject().put("tag", tag)),
                    new DeliveryOptions().setLocalOnly(true)));
        assertEquals(tag, onA.event("notifications:42", "note").getJsonObject(4).getString("tag"));
        assertEquals(tag, onB.event("notifications:42", "note").getJsonObject(4).getString("tag"));
      }
    }
  }

  @Test
  void publishOrderIsKeptAcrossNodes() {
    try (TestSocket onC = c.connect("uc");
        TestSocket sender = a.connect("ua")) {
      onC.join("1", "chat:order");
      sender.join("1", "chat:order");
      ClusterRoutes.await(a, "chat:order", onC);
      for (int i = 0; i < 50; i++) {
        sender.send("1", "r" + i, "chat:order", "message", new JsonObject().put("i", i));
      }
      for (int i = 0; i < 50; i++) {
        assertEquals(i, onC.event("chat:order", "message").getJsonObject(4).getInteger("i"));
      }
    }
  }

  @Test
  void disconnectByUserClosesTheirSocketsOnEveryNode() {
    try (TestSocket onA = a.connect("gone");
        TestSocket onC = c.connect("gone");
        TestSocket stays = b.connect("kept")) {
      Await.result(
          b.vertx
              .eventBus()
              .request(
                  Addresses.PUBLISH,
                  new JsonObject().put("topic", "user_socket:gone").put("event", "disconnect")));
      assertEquals(1001, onA.closeCode());
      assertEquals(1001, onC.closeCode());
      stays.send(null, "1", "phoenix", "heartbeat", new JsonObject());
      assertEquals("ok", status(stays.reply("1")));
    }
  }

  @Test
  void lastLeaveOnANodeStopsItsClusterDeliveries() {
    try (TestSocket onB = b.connect("ub");
        TestSocket sender = a.connect("ua")) {
      onB.join("1", "room:left");
      sender.join("1", "room:left");
      ClusterRoutes.await(
          a, "room:left", onB); // B's interest has reached A: the leave below must undo it
      // A marker on B, from the same sender: A-to-B messages are ordered, so once B has the marker
      // it has counted anything A sent it before.
      try (TestSocket markerOnB = b.connect("ub2")) {
        markerOnB.join("1", "room:marker");
        sender.join("3", "room:marker");
        ClusterRoutes.await(a, "room:marker", markerOnB);
        onB.send("1", "2", "room:left", "phx_leave", new JsonObject());
        assertEquals("ok", status(onB.reply("2")));
        // B's interest is gone: within the deadline (the removal reaches A's cache asynchronously,
        // as the registration did), a broadcast to room:left costs no cluster message at B. Without
        // the unregister on the last leave, every round costs one and this fails.
        int[] round = {0};
        Await.until(
            "a broadcast to room:left no longer reaches node B",
            () -> {
              int r = round[0]++;
              double bBefore = received(b);
              sender.send("1", "left-" + r, "room:left", "shout", new JsonObject());
              assertEquals("ok", status(sender.reply("left-" + r)));
              sender.send("3", "marker-" + r, "room:marker", "shout", new JsonObject().put("r", r));
              markerOnB.await(
                  "marker " + r,
                  f ->
                      "room:marker".equals(f.getString(2))
                          && f.getJsonObject(4).getInteger("r", -1) == r);
              return received(b) == bBefore + 1; // the marker only
            });
      }
    }
  }

  @Test
  void subscriberCountsAddUpAcrossNodes() {
    try (TestSocket onA = a.connect("ua");
        TestSocket onB = b.connect("ub");
        TestSocket onB2 = b.connect("ub2")) {
      onA.join("1", "room:counted");
      onB.join("1", "room:counted");
      onB2.join("1", "room:counted");
      JsonObject total = Await.result(c.main.subscriberCounts().total("room:counted"));
      assertEquals(3, total.getInteger("subscribers"));
      assertEquals(3, total.getInteger("nodes_asked"));
      assertEquals(false, total.getBoolean("partial"));
    }
  }

  @Test
  void clusterViewListsEveryNodeWithItsConnections() {
    try (TestSocket s = b.connect("viewer")) {
      Await.until(
          "the view on A counts B's socket",
          () -> {
            io.vertx.core.buffer.Buffer body =
                Await.result(
                    http.request(HttpMethod.GET, a.main.metricsPort(), "127.0.0.1", "/cluster")
                        .compose(req -> req.send().compose(resp -> resp.body())));
            JsonObject view = new JsonObject(body);
            return view.getInteger("node_count") == 3 && view.getLong("connections") >= 1;
          });
    }
  }
}
