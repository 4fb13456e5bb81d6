package io.switchboard.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * {@code limits.writeDelayMs}: frames wait up to that long to share a flush, and still all arrive,
 * in order (FlushSchedulerTest covers when the flush happens).
 */
class WriteDelayTest {
  @Test
  void withAWriteDelayEveryReplyAndBroadcastArrivesInOrder() {
    try (TestNode node = TestNode.start(c -> c.limits().writeDelayMs(30));
        TestSocket a = node.connect("a");
        TestSocket b = node.connect("b")) {
      a.join("1", "chat:delay");
      b.join("1", "chat:delay");
      // The setting reached every socket verticle's flush scheduler (FlushSchedulerTest covers what
      // it does).
      var sockets =
          ((io.vertx.core.internal.VertxInternal) node.vertx)
              .deploymentManager()
              .deployment(node.main.deployments().get("sockets"))
              .deployment()
              .instances();
      assertEquals(2, sockets.size());
      sockets.forEach(v -> assertEquals(30, ((SocketVerticle) v).writeDelayMillis()));
      for (int i = 0; i < 20; i++) {
        a.send("1", String.valueOf(10 + i), "chat:delay", "shout", new JsonObject().put("n", i));
      }
      for (int i = 0; i < 20; i++) {
        assertEquals(
            i,
            a.event("chat:delay", "shout").getJsonObject(4).getInteger("n"),
            "a's broadcast " + i);
        assertEquals(
            i,
            b.event("chat:delay", "shout").getJsonObject(4).getInteger("n"),
            "b's broadcast " + i);
        assertEquals("ok", TestSocket.status(a.reply(String.valueOf(10 + i))), "reply " + i);
      }
    }
  }
}
