package io.switchboard.socket;

import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * A socket that sends nothing for {@code limits.idleTimeoutMs} is closed with 1001; one that talks
 * is not.
 */
class IdleTimeoutTest {

  @Test
  void silentSocketIsClosedWith1001() {
    try (TestNode node = TestNode.start(c -> c.limits().idleTimeoutMs(400));
        TestSocket silent = node.connect("quiet")) {
      assertEquals(1001, silent.closeCode());
    }
  }

  @Test
  void heartbeatsKeepASocketOpen() {
    try (TestNode node = TestNode.start(c -> c.limits().idleTimeoutMs(400));
        TestSocket chatty = node.connect("chatty");
        TestSocket silent = node.connect("quiet")) {
      int ref = 0;
      long deadline = System.nanoTime() + TestNode.DEADLINE.toNanos();
      // Heartbeat until the silent one is closed: the chatty one outlived an idle period.
      while (!silent.isClosed()) {
        chatty.send(null, String.valueOf(++ref), "phoenix", "heartbeat", new JsonObject());
        assertEquals("ok", status(chatty.reply(String.valueOf(ref))));
        if (ref > 100_000 || System.nanoTime() > deadline) {
          throw new AssertionError("the silent socket was never closed");
        }
      }
      assertEquals(1001, silent.closeCode());
      chatty.send(null, "last", "phoenix", "heartbeat", new JsonObject());
      assertEquals("ok", status(chatty.reply("last")));
      assertFalse(chatty.isClosed());
    }
  }
}
