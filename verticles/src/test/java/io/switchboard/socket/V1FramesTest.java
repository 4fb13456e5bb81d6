package io.switchboard.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.Addresses;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.support.Await;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code vsn=1.0.0}: V1 object frames over a real WebSocket, beside V2 clients on the same topics.
 * Without a vsn the first text frame decides.
 */
class V1FramesTest {
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static TestSocket v1(String user) {
    return node.connectWithQuery("token=" + node.token(user) + "&vsn=1.0.0");
  }

  private static JsonObject frame(
      String joinRef, String ref, String topic, String event, JsonObject payload) {
    return new JsonObject()
        .put("topic", topic)
        .put("event", event)
        .put("payload", payload)
        .put("ref", ref)
        .put("join_ref", joinRef);
  }

  private static void send(TestSocket s, JsonObject frame) {
    s.sendText(frame.encode());
  }

  private static JsonObject reply(TestSocket s, String ref) {
    return s.awaitObject(
        "V1 reply to " + ref,
        o -> "phx_reply".equals(o.getString("event")) && ref.equals(o.getString("ref")));
  }

  private static JsonObject event(TestSocket s, String topic, String event) {
    return s.awaitObject(
        event + " on " + topic,
        o -> topic.equals(o.getString("topic")) && event.equals(o.getString("event")));
  }

  private static JsonObject join(TestSocket s, String joinRef, String topic, JsonObject params) {
    send(s, frame(joinRef, joinRef, topic, "phx_join", params));
    return reply(s, joinRef);
  }

  @Test
  void joinPushAndHeartbeatAreAnsweredWithObjects() {
    try (TestSocket s = v1("v1-alice")) {
      JsonObject joined = join(s, "5", "room:v1", new JsonObject());
      assertEquals("5", joined.getString("join_ref"));
      assertEquals("5", joined.getString("ref"));
      assertEquals("room:v1", joined.getString("topic"));
      assertEquals("ok", joined.getJsonObject("payload").getString("status"));
      // room:* keeps history: the ok carries the stream's position, as for V2 clients.
      assertTrue(
          joined.getJsonObject("payload").getJsonObject("response").containsKey("epoch"),
          joined.encode());
      send(s, frame("5", "6", "room:v1", "shout", new JsonObject().put("body", "hi")));
      assertEquals("ok", reply(s, "6").getJsonObject("payload").getString("status"));
      send(s, frame(null, "7", "phoenix", "heartbeat", new JsonObject()));
      JsonObject beat = reply(s, "7");
      assertEquals("phoenix", beat.getString("topic"));
      assertTrue(beat.containsKey("join_ref") && beat.getValue("join_ref") == null);
      assertEquals("ok", beat.getJsonObject("payload").getString("status"));
    }
  }

  @Test
  void oneBroadcastReachesV1AndV2ClientsEachInItsFormat() {
    try (TestSocket old = v1("v1-bob");
        TestSocket modern = node.connect("v2-carol")) {
      join(old, "1", "room:mixed", new JsonObject());
      modern.join("1", "room:mixed");
      send(old, frame("1", "2", "room:mixed", "shout", new JsonObject().put("n", 1)));
      JsonObject toOld = event(old, "room:mixed", "shout");
      assertEquals(new JsonObject().put("n", 1), toOld.getJsonObject("payload"));
      // A broadcast has no join_ref; on a history topic its ref is its "<epoch>:<offset>".
      assertTrue(toOld.containsKey("join_ref") && toOld.getValue("join_ref") == null);
      assertEquals(toModern(modern, "room:mixed").getString(1), toOld.getString("ref"));

      // A backend publish, too, and the V2 client's push reaching the V1 one.
      modern.send("1", "3", "room:mixed", "message", new JsonObject().put("from", "v2"));
      assertEquals(
          "v2", event(old, "room:mixed", "message").getJsonObject("payload").getString("from"));
      Await.result(
          node.vertx
              .eventBus()
              .request(
                  Addresses.PUBLISH,
                  new JsonObject()
                      .put("topic", "room:mixed")
                      .put("event", "news")
                      .put("payload", new JsonObject().put("from", "backend"))));
      assertEquals(
          "backend", event(old, "room:mixed", "news").getJsonObject("payload").getString("from"));
      assertEquals(
          "backend", modern.event("room:mixed", "news").getJsonObject(4).getString("from"));
    }
  }

  private static JsonArray toModern(TestSocket modern, String topic) {
    JsonArray frame = modern.event(topic, "shout");
    assertEquals(new JsonObject().put("n", 1), frame.getJsonObject(4));
    return frame;
  }

  @Test
  void aBinaryBroadcastIsNotSentToV1ClientsButStillToV2Ones() {
    try (TestSocket old = v1("v1-dan");
        TestSocket modern = node.connect("v2-erin")) {
      join(old, "1", "room:bin-mixed", new JsonObject());
      modern.join("1", "room:bin-mixed");
      modern.sendBinary(
          BinaryFramesTest.clientPush("1", "2", "room:bin-mixed", "shout", new byte[] {1, 2, 3}));
      modern.awaitBinary("binary broadcast to the V2 client");
      // Then a text one: the V1 client gets it and nothing before it.
      modern.send("1", "3", "room:bin-mixed", "shout", new JsonObject().put("after", true));
      JsonObject next = old.awaitObject("the text broadcast", o -> true);
      assertEquals("shout", next.getString("event"));
      assertEquals(true, next.getJsonObject("payload").getBoolean("after"));
    }
  }

  @Test
  void errorsAreV1Replies() {
    try (TestSocket s = v1("v1-frank")) {
      send(s, frame(null, "1", "room:never-joined", "shout", new JsonObject()));
      JsonObject unmatched = reply(s, "1");
      assertEquals("error", unmatched.getJsonObject("payload").getString("status"));
      assertEquals(
          "unmatched topic",
          unmatched.getJsonObject("payload").getJsonObject("response").getString("reason"));
      // The payload is not an object: answerable, since ref and topic came first.
      s.sendText("{\"ref\":\"2\",\"topic\":\"room:x\",\"event\":\"shout\",\"payload\":[1]}");
      JsonObject bad = reply(s, "2");
      assertTrue(
          bad.getJsonObject("payload")
              .getJsonObject("response")
              .getString("reason")
              .contains("payload must be a JSON object"),
          bad.encode());
      JsonObject refused = join(s, "3", "nobody:serves-this", new JsonObject());
      assertEquals("error", refused.getJsonObject("payload").getString("status"));
    }
  }

  @Test
  void aV2ArrayOrABinaryFrameOnAV1SocketClosesIt() {
    try (TestSocket s = v1("v1-gina")) {
      s.send("1", "1", "room:x", "phx_join", new JsonObject());
      assertEquals(CloseCodes.INVALID_FRAME, s.closeCode());
    }
    try (TestSocket s = v1("v1-hal")) {
      s.sendBinary(BinaryFramesTest.clientPush("1", "2", "room:x", "shout", new byte[] {1}));
      assertEquals(CloseCodes.INVALID_FRAME, s.closeCode());
    }
  }

  @Test
  void withoutVsnTheFirstTextFrameDecides() {
    try (TestSocket old = node.connectWithQuery("token=" + node.token("no-vsn-1"));
        TestSocket modern = node.connectWithQuery("token=" + node.token("no-vsn-2"))) {
      JsonObject joined = join(old, "1", "room:sniffed", new JsonObject());
      assertEquals("ok", joined.getJsonObject("payload").getString("status"));
      assertEquals("ok", TestSocket.status(modern.join("1", "room:sniffed")));
      modern.send("1", "2", "room:sniffed", "shout", new JsonObject().put("k", "v"));
      assertEquals(
          "v", event(old, "room:sniffed", "shout").getJsonObject("payload").getString("k"));
      assertEquals("v", modern.event("room:sniffed", "shout").getJsonObject(4).getString("k"));
    }
  }

  @Test
  void presenceStateAndDiffsReachAV1Client() {
    try (TestSocket old = v1("v1-ivy");
        TestSocket other = node.connect("v2-jack")) {
      JsonObject joined = join(old, "1", "presence:v1", new JsonObject());
      assertEquals("ok", joined.getJsonObject("payload").getString("status"));
      JsonObject state = event(old, "presence:v1", "presence_state");
      assertEquals("1", state.getString("join_ref"));
      assertTrue(state.getJsonObject("payload").containsKey("v1-ivy"), state.encode());
      other.join("1", "presence:v1");
      JsonObject diff =
          old.awaitObject(
              "a diff with jack's join",
              o ->
                  "presence_diff".equals(o.getString("event"))
                      && o.getJsonObject("payload").getJsonObject("joins").containsKey("v2-jack"));
      assertFalse(diff.containsKey("join_ref") && diff.getValue("join_ref") != null);
    }
  }

  @Test
  void batchAndServerPushChannelsWorkInV1Too() {
    try (TestSocket s = v1("v1-kim")) {
      assertEquals(
          "ok",
          join(s, "1", "batch:v1", new JsonObject()).getJsonObject("payload").getString("status"));
      send(s, frame("1", "2", "batch:v1", "add_message", new JsonObject().put("m", 1)));
      assertEquals("ok", reply(s, "2").getJsonObject("payload").getString("status"));
      JsonObject batch = event(s, "batch:v1", "batch");
      assertEquals(
          1,
          batch.getJsonObject("payload").getJsonArray("messages").getJsonObject(0).getInteger("m"));

      join(s, "3", "notifications:v1-kim", new JsonObject());
      send(s, frame("3", "4", "notifications:v1-kim", "shout", new JsonObject()));
      assertEquals("error", reply(s, "4").getJsonObject("payload").getString("status"));
    }
  }

  @Test
  void anUnknownVsnIsRefusedWith400AndSaysWhichExist() {
    Throwable err =
        Await.failure(
            node.client()
                .connect(
                    TestSocket.options(node.port(), "token=" + node.token("v9") + "&vsn=9.9.9")));
    UpgradeRejectedException refused = assertInstanceOf(UpgradeRejectedException.class, err);
    assertEquals(400, refused.getStatus());
    Buffer body = refused.getBody();
    assertTrue(
        body != null && body.toString().contains("vsn=1.0.0") && body.toString().contains("9.9.9"),
        String.valueOf(body));
  }

  @Test
  void nothingIsWrittenToAnUndecidedClientBeforeItsFirstFrame() {
    try (TestSocket s = node.connectWithQuery("token=" + node.token("quiet"))) {
      assertTrue(s.poll(a -> true, Duration.ofMillis(200)).isEmpty());
    }
  }
}
