package io.switchboard.socket;

import static io.switchboard.support.TestSocket.reason;
import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * The per-socket inbound token bucket. The refill is 1 per second (the smallest rate the config
 * takes), and the pushes go out back to back right after the join, so the bucket is only its burst
 * unless a whole second passes between the socket's upgrade and its tenth push.
 */
class RateLimitTest {

  static TestNode node(int burst, int closeAfter) {
    return TestNode.start(
        c -> c.rateLimit().messagesPerSecond(1).burst(burst).closeAfterRejected(closeAfter));
  }

  @Test
  void pushesBeyondTheBurstAreRefusedAndThrottled() {
    try (TestNode node = node(5, 1000);
        TestSocket s = node.connect("spammer");
        TestSocket calm = node.connect("calm")) {
      s.join("1", "room:rl"); // 1 token
      int ok = 0;
      int limited = 0;
      for (int i = 0; i < 10; i++) {
        s.send("1", "p" + i, "room:rl", "shout", new JsonObject());
      }
      for (int i = 0; i < 10; i++) {
        JsonArray reply = s.reply("p" + i);
        if ("ok".equals(status(reply))) {
          ok++;
        } else {
          assertEquals("rate limited", reason(reply));
          limited++;
        }
      }
      assertEquals(4, ok);
      assertEquals(6, limited);
      JsonArray throttle = s.event("room:rl", "throttle");
      assertEquals("1", throttle.getString(0));
      assertEquals("rate_limited", throttle.getJsonObject(4).getString("reason"));
      // Heartbeats are never limited, and other sockets are not affected.
      s.send(null, "hb", "phoenix", "heartbeat", new JsonObject());
      assertEquals("ok", status(s.reply("hb")));
      calm.join("1", "room:rl");
      calm.send("1", "2", "room:rl", "shout", new JsonObject());
      assertEquals("ok", status(calm.reply("2")));
    }
  }

  @Test
  void sustainedAbuseClosesTheSocketWith1008() {
    try (TestNode node = node(2, 20);
        TestSocket s = node.connect("abuser")) {
      // Fire without waiting: the server may close the socket before the last writes.
      for (int i = 0; i < 40; i++) {
        s.ws.writeTextMessage(
            new JsonArray()
                .addNull()
                .add("x" + i)
                .add("room:none")
                .add("shout")
                .add(new JsonObject())
                .encode());
      }
      assertEquals(1008, s.closeCode());
    }
  }
}
