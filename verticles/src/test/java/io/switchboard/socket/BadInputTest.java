package io.switchboard.socket;

import static io.switchboard.support.TestSocket.reason;
import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.RawClient;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets an error reply or a documented close code for the socket that sent it; a bystander
 * socket joined to the same topic keeps receiving broadcasts after every case.
 */
class BadInputTest {
  static TestNode node;
  TestSocket bystander;
  int round;

  /** Everything logged at SEVERE meanwhile: bad input must never reach an unhandled exception. */
  static final List<LogRecord> severe = new CopyOnWriteArrayList<>();

  static final Handler SEVERE_LOGS =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
            severe.add(r);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeAll
  static void start() {
    Logger.getLogger("").addHandler(SEVERE_LOGS);
    node = TestNode.start(c -> c.limits().maxMessageBytes(4096));
  }

  @AfterAll
  static void stop() {
    node.close();
    Logger.getLogger("").removeHandler(SEVERE_LOGS);
  }

  @BeforeEach
  void joinBystander() {
    bystander = node.connect("bystander");
    bystander.join("1", "room:bad");
  }

  @AfterEach
  void bystanderStillServed() {
    try (TestSocket sender = node.connect("sender")) {
      sender.join("1", "room:bad");
      String marker = "after-" + (++round);
      sender.send("1", "2", "room:bad", "shout", new JsonObject().put("marker", marker));
      assertEquals(
          marker, bystander.event("room:bad", "shout").getJsonObject(4).getString("marker"));
    }
    bystander.close();
    assertEquals(
        List.of(),
        severe.stream().map(r -> r.getMessage() + " " + r.getThrown()).toList(),
        "nothing logged at SEVERE");
  }

  private TestSocket culprit() {
    return node.connect("culprit");
  }

  @Test
  void invalidJsonClosesWith1007() {
    try (TestSocket s = culprit()) {
      s.sendText("nonsense");
      assertEquals(1007, s.closeCode());
    }
  }

  @Test
  void whatAClientSendsAfterWeClosedItIsDroppedNotQueued() throws Exception {
    io.vertx.core.http.HttpClient http = node.vertx.createHttpClient();
    try (java.net.Socket raw = new java.net.Socket("127.0.0.1", node.port())) {
      RawClient.upgrade(raw, node.token("culprit"), node.port());
      double before = dropped(http);
      // A bad frame and 20 pushes in one TCP write: the pushes are read after the server has closed
      // the socket (1007), and Vert.x goes on reading frames until the client's close frame, which
      // this client never sends. They must be dropped (counted), not queued: such a client could
      // otherwise fill the heap for 10 s.
      java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
      burst.write(RawClient.maskedText("nonsense"));
      for (int i = 0; i < 20; i++) {
        burst.write(RawClient.maskedText("[\"1\",\"p" + i + "\",\"room:bad\",\"shout\",{}]"));
      }
      raw.getOutputStream().write(burst.toByteArray());
      raw.getOutputStream().flush();
      io.switchboard.support.Await.until(
          "the pushes after the close counted as dropped", () -> dropped(http) >= before + 20);
    } finally {
      http.close();
    }
  }

  private static double dropped(io.vertx.core.http.HttpClient http) {
    return io.switchboard.support.Scrape.value(
        http, node.main.metricsPort(), "switchboard_dropped_messages_total");
  }

  @Test
  void jsonBrokenAfterRefAndTopicGetsAnErrorReply() {
    try (TestSocket s = culprit()) {
      s.sendText("[\"1\", \"2\", \"room:bad\", ");
      assertTrue(reason(s.reply("2")).startsWith("invalid payload: invalid JSON"));
    }
  }

  @Test
  void aLoneSurrogateInARefClosesWith1007ForNoReplyCouldCarryIt() {
    try (TestSocket s = culprit()) {
      s.join("j1", "room:bad");
      s.sendText("[\"j1\",\"\\ud800\",\"room:bad\",\"shout\",{\"a\":1}]");
      assertEquals(1007, s.closeCode());
    }
  }

  @Test
  void aHeartbeatWithALoneSurrogateRefClosesWith1007() {
    try (TestSocket s = culprit()) {
      s.sendText("[null,\"\\udfff\",\"phoenix\",\"heartbeat\",{}]");
      assertEquals(1007, s.closeCode());
    }
  }

  @Test
  void aLoneSurrogateInAnEventGetsAnErrorReply() {
    try (TestSocket s = culprit()) {
      s.join("j1", "room:bad");
      s.sendText("[\"j1\",\"7\",\"room:bad\",\"\\ud800\",{}]");
      assertEquals(
          "invalid payload: event is not well-formed Unicode (a lone surrogate)",
          reason(s.reply("7")));
    }
  }

  @Test
  void aLoneSurrogateInsideAPayloadIsForwardedAsTheClientWroteIt() {
    try (TestSocket s = culprit()) {
      s.join("j1", "room:bad");
      s.sendText("[\"j1\",\"8\",\"room:bad\",\"shout\",{\"s\":\"\\ud800\"}]");
      assertEquals("ok", status(s.reply("8")));
      JsonArray got = bystander.event("room:bad", "shout");
      assertEquals("\ud800", got.getJsonObject(4).getString("s"));
    }
  }

  @Test
  void aThousandAndOneDigitNumberIsRefusedForWhatItIs() {
    try (TestSocket s = culprit()) {
      s.join("j1", "room:bad");
      s.sendText("[\"j1\",\"9\",\"room:bad\",\"shout\",{\"n\":" + "9".repeat(1001) + "}]");
      assertEquals("invalid payload: number longer than 1000 digits", reason(s.reply("9")));
    }
  }

  @Test
  void notAnArrayClosesWith1007() {
    try (TestSocket s = culprit()) {
      s.sendText("{\"topic\": \"room:bad\"}");
      assertEquals(1007, s.closeCode());
    }
  }

  @Test
  void wrongTypesAfterRefAndTopicGetAnErrorReply() {
    try (TestSocket s = culprit()) {
      s.sendText("[\"1\", \"2\", \"room:bad\", 17, {}]");
      JsonArray reply = s.reply("2");
      assertEquals("error", status(reply));
      assertTrue(reason(reply).startsWith("invalid payload"), reason(reply));
    }
  }

  @Test
  void payloadThatIsNotAnObjectGetsAnErrorReply() {
    try (TestSocket s = culprit()) {
      s.join("1", "room:bad");
      s.sendText("[\"1\", \"2\", \"room:bad\", \"shout\", \"just a string\"]");
      assertTrue(reason(s.reply("2")).contains("JSON object"));
    }
  }

  @Test
  void tooFewElementsClosesWith1007OrReplies() {
    try (TestSocket s = culprit()) {
      s.sendText("[\"1\", \"2\"]");
      assertEquals(1007, s.closeCode());
    }
  }

  @Test
  void deeplyNestedPayloadIsRefusedWithoutHarm() {
    try (TestSocket big = node.connect("culprit")) {
      // 10,000 levels would exceed the 4 KB message limit here; the nesting limit (128) trips first
      // at 2,000.
      String deep = "[".repeat(2000) + "]".repeat(2000);
      big.sendText("[\"1\", \"2\", \"room:bad\", \"shout\", {\"a\": " + deep + "}]");
      assertTrue(reason(big.reply("2")).contains("nested"), "reply names the nesting");
    }
  }

  @Test
  void tenThousandDeepNestingWithinTheSizeLimitIsRefused() {
    try (TestNode roomy = TestNode.start(c -> c.limits().maxMessageBytes(65536));
        TestSocket s = roomy.connect("culprit")) {
      String deep = "[".repeat(10_000) + "]".repeat(10_000);
      s.sendText("[\"1\", \"2\", \"room:bad\", \"shout\", {\"a\": " + deep + "}]");
      assertTrue(reason(s.reply("2")).contains("nested"));
      s.send(null, "3", "phoenix", "heartbeat", new JsonObject());
      assertEquals("ok", status(s.reply("3")), "the socket still works");
    }
  }

  @Test
  void oversizedMessageClosesWith1009() {
    try (TestSocket s = culprit()) {
      s.sendText("[\"1\", \"2\", \"room:bad\", \"shout\", {\"x\": \"" + "a".repeat(8000) + "\"}]");
      short code = s.closeCode();
      assertTrue(code == 1009, "close code " + code);
    }
  }

  @Test
  void binaryGarbageClosesWith1007() {
    try (TestSocket s = culprit()) {
      s.sendBinary(Buffer.buffer(new byte[] {9, 9, 9, 9, 9, 1, 2, 3}));
      assertEquals(1007, s.closeCode());
    }
  }

  @Test
  void topicLongerThanTheLimitIsRefused() {
    try (TestSocket s = culprit()) {
      assertEquals("topic too long", reason(s.join("1", "room:" + "x".repeat(300))));
    }
  }
}
