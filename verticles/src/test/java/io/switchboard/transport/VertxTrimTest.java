package io.switchboard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * The per-socket memory trim reaches into Vert.x internals (VertxTrim): a Vert.x upgrade that moves
 * them must fail here, not silently bring back about 13 KB per idle socket. The sockets it trimmed
 * must still do everything a client expects, including the writes Vert.x makes itself (pong, close
 * frame).
 */
class VertxTrimTest {

  @Test
  void trimIsActiveOnThisVertxVersion() {
    assertTrue(
        VertxTrim.ACTIVE,
        "VertxTrim is inactive: the Vert.x internals it relies on changed; see its javadoc");
  }

  @Test
  void trimmedSocketsJoinReceiveAndAreClosedWithACode() throws Exception {
    long before = VertxTrim.TRIMMED.sum();
    try (TestNode node = TestNode.start();
        TestSocket a = node.connect("alice");
        TestSocket b = node.connect("bob")) {
      a.join("1", "room:trim");
      b.join("1", "room:trim");
      // Both upgrades went through the trim (a moved internal or a dropped call leaves this at 0).
      assertTrue(VertxTrim.TRIMMED.sum() - before >= 2, "sockets were not trimmed");
      a.send("1", "2", "room:trim", "shout", new JsonObject().put("n", 1));
      assertEquals(1, b.event("room:trim", "shout").getJsonObject(4).getInteger("n"));
      // A user disconnect: the close frame is written by Vert.x through the swapped outbound queue.
      io.switchboard.support.Await.result(
          node.vertx
              .eventBus()
              .request(
                  io.switchboard.protocol.Addresses.PUBLISH,
                  new JsonObject().put("topic", "user_socket:bob").put("event", "disconnect")));
      assertEquals(1001, b.closeCode());
    }
  }
}
