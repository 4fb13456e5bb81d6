package io.switchboard.cluster;

import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.TestConfig;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * realtime-js sockets on edge nodes (sockets only) with a core node routing: the join is decided by
 * the core, the broadcast is carried out on the sender's edge and reaches the other edge, and
 * {@code self: false} still leaves the sender out.
 */
@Tag("cluster")
class RealtimeEdgeTest {
  static TestNode core;
  static TestNode edge1;
  static TestNode edge2;

  private static void realtime(TestConfig c, String roles) {
    c.node().roles(roles);
    c.addChannel("realtime:*", "realtime", "authenticated");
  }

  @BeforeAll
  static void start() {
    String name = "realtime-edge-" + UUID.randomUUID();
    core = TestNode.startClustered(name, c -> realtime(c, "core"));
    edge1 = TestNode.startClustered(name, c -> realtime(c, "edge"));
    edge2 = TestNode.startClustered(name, c -> realtime(c, "edge"));
  }

  @AfterAll
  static void stop() {
    for (TestNode n : new TestNode[] {edge2, edge1, core}) {
      if (n != null) {
        n.close();
      }
    }
  }

  private static TestSocket realtime(TestNode node, String user) {
    return TestSocket.connectTo(
        node.client(),
        node.port(),
        "/realtime/v1/websocket?apikey=" + node.token(user) + "&vsn=2.0.0");
  }

  private static String broadcast(String ref, int n) {
    return "[\"1\",\""
        + ref
        + "\",\"realtime:edges\",\"broadcast\",{\"type\":\"broadcast\",\"event\":\"e\",\"payload\":{\"n\":"
        + n
        + "}}]";
  }

  @Test
  void aBroadcastFromOneEdgeReachesTheOtherAndNotItsSender() {
    try (TestSocket a = realtime(edge1, "edge-a");
        TestSocket b = realtime(edge2, "edge-b")) {
      String ack = "{\"config\":{\"broadcast\":{\"ack\":true,\"self\":false}}}";
      a.sendText("[\"1\",\"1\",\"realtime:edges\",\"phx_join\"," + ack + "]");
      b.sendText("[\"1\",\"1\",\"realtime:edges\",\"phx_join\"," + ack + "]");
      assertEquals("ok", status(a.reply("1")));
      assertEquals("ok", status(b.reply("1")));
      // edge2's interest reaches edge1 asynchronously: push until one arrives (bounded).
      Optional<JsonArray> arrived = Optional.empty();
      for (int i = 0; i < 60 && arrived.isEmpty(); i++) {
        a.sendText(broadcast("p" + i, i));
        assertEquals("ok", status(a.reply("p" + i)));
        arrived = b.poll(f -> "broadcast".equals(f.getString(3)), Duration.ofMillis(250));
      }
      assertTrue(arrived.isPresent(), "no broadcast crossed the edges");
      // b answers; the first thing a hears is that: none of its own came back.
      b.sendText(broadcast("r", 1000));
      JsonArray first =
          a.await("a's first frame after its acks", f -> !"phx_reply".equals(f.getString(3)));
      assertEquals(1000, first.getJsonObject(4).getJsonObject("payload").getInteger("n"));
    }
  }
}
