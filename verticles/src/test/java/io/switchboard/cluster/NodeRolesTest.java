package io.switchboard.cluster;

import static io.switchboard.support.TestSocket.reason;
import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.switchboard.protocol.Addresses;
import io.switchboard.support.Await;
import io.switchboard.support.ClusterRoutes;
import io.switchboard.support.RawClient;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Edge/core split: two edge nodes (sockets only) and one core node (routing) in one cluster, same
 * jar.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeRolesTest {
  static TestNode core;
  static TestNode edge1;
  static TestNode edge2;
  static String name;

  @BeforeAll
  static void start() {
    name = "roles-" + UUID.randomUUID();
    core = TestNode.startClustered(name, c -> c.node().roles("core"));
    edge1 = TestNode.startClustered(name, c -> c.node().roles("edge"));
    edge2 = TestNode.startClustered(name, c -> c.node().roles("edge"));
  }

  @AfterAll
  static void stop() {
    for (TestNode n : new TestNode[] {edge2, edge1, core}) {
      if (n != null) {
        n.close();
      }
    }
  }

  @Test
  void eachNodeRunsOnlyItsRoles() {
    assertEquals(-1, core.main.port(), "a core node serves no sockets");
    assertNull(edge1.main.deployments().get("routing"), "an edge node routes nothing itself");
  }

  @Test
  void edgeClientsAreRoutedByTheCoreAndReceiveBroadcastsAcrossEdges() {
    try (TestSocket s1 = edge1.connect("u1");
        TestSocket s2 = edge2.connect("u2")) {
      assertEquals("ok", status(s1.join("1", "room:split")));
      assertEquals("ok", status(s2.join("1", "room:split")));
      assertEquals("unauthorized", reason(s1.join("2", "notifications:someone")));
      // The core's router publishes what edge clients push: wait until its view has both edges'
      // interest.
      ClusterRoutes.await(core, "room:split", s1, s2);
      s1.send("1", "3", "room:split", "shout", new JsonObject().put("n", 1));
      assertEquals("ok", status(s1.reply("3")));
      assertEquals(1, s1.event("room:split", "shout").getJsonObject(4).getInteger("n"));
      assertEquals(1, s2.event("room:split", "shout").getJsonObject(4).getInteger("n"));
    }
  }

  @Test
  void subscriberCountsAskOnlyTheSocketNodesAndAreNotPartialForACore() {
    try (TestSocket s = edge1.connect("counted")) {
      assertEquals("ok", status(s.join("1", "room:counted")));
      // The core runs no sockets and has no count handler: it is neither asked nor a reason for
      // "partial".
      Await.until(
          "edge2 sees edge1's socket",
          () -> {
            JsonObject total = Await.result(edge2.main.subscriberCounts().total("room:counted"));
            return total.getInteger("subscribers") == 1
                && !total.getBoolean("partial")
                && total.getInteger("nodes_asked") == 2;
          });
    }
  }

  @Test
  void backendPublishOnTheCoreReachesEdgeClients() {
    try (TestSocket s = edge2.connect("9")) {
      s.join("1", "notifications:9");
      ClusterRoutes.await(core, "notifications:9", s);
      Await.result(
          core.vertx
              .eventBus()
              .request(
                  Addresses.PUBLISH,
                  new JsonObject()
                      .put("topic", "notifications:9")
                      .put("event", "ping")
                      .put("payload", new JsonObject()),
                  new DeliveryOptions().setLocalOnly(true)));
      s.event("notifications:9", "ping");
    }
  }

  @Test
  void aJoinAnsweredAfterItsSocketClosedLeavesNothingSubscribed() throws Exception {
    // One socket verticle, and the core's one router: route requests and their replies keep their
    // order.
    try (TestNode edge =
        TestNode.startClustered(
            name,
            c -> {
              c.node().roles("edge");
              c.http().socketInstances(1);
            })) {
      io.vertx.core.http.HttpClient http =
          edge.vertx.createHttpClient(); // closed with the node's Vert.x
      double before = Scrape.value(http, edge.main.metricsPort(), "switchboard_topics");
      // The join and the close leave together: the edge asks the core, and the socket is gone
      // before the answer.
      try (java.net.Socket raw = new java.net.Socket("127.0.0.1", edge.port())) {
        RawClient.upgrade(raw, edge.token("ghost"), edge.port());
        raw.getOutputStream()
            .write(RawClient.maskedText("[\"1\",\"1\",\"room:ghost\",\"phx_join\",{}]"));
        raw.getOutputStream().flush();
      }
      try (TestSocket marker = edge.connect("marker")) {
        assertEquals("ok", status(marker.join("1", "room:marker")));
        // The ghost's join was answered before this one: only room:marker may have been added.
        assertEquals(
            before + 1,
            Scrape.value(http, edge.main.metricsPort(), "switchboard_topics"),
            "a closed socket's join left its topic subscribed");
      }
    }
  }

  /** Last: it takes the core's router away. */
  @Test
  @Order(Integer.MAX_VALUE)
  void aChannelWhoseRouterIsGoneCrashesWithPhxError() {
    try (TestSocket s = edge1.connect("u1")) {
      s.join("1", "room:crash");
      Await.result(core.vertx.undeploy(core.main.deployments().get("routing")));
      s.send("1", "2", "room:crash", "shout", new JsonObject());
      JsonArray error = s.event("room:crash", "phx_error");
      assertEquals("1", error.getString(0));
      assertEquals("1", error.getString(1));
      assertEquals("channel_crash", error.getJsonObject(4).getString("reason"));
      // The channel is gone: a further push is unmatched, as phoenix.js expects before it rejoins.
      s.send("1", "3", "room:crash", "shout", new JsonObject());
      assertEquals("unmatched topic", reason(s.reply("3")));
    }
  }
}
