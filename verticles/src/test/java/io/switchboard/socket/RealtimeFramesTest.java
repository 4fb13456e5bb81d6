package io.switchboard.socket;

import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.Addresses;
import io.switchboard.support.Await;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The realtime profile byte by byte, as realtime-js 2.119 writes and reads it: kind 3 in, kind 4
 * out (never Phoenix's binary kinds to its sockets), {@code self} and {@code ack}, backend
 * publishes, and stock Phoenix clients on the same topics. The real client: RealtimeJsClientTest.
 */
class RealtimeFramesTest {
  static TestNode node;

  private static final String JOIN_SELF_ACK =
      "{\"config\":{\"broadcast\":{\"ack\":true,\"self\":true}}}";
  private static final String JOIN_DEFAULTS = "{\"config\":{\"broadcast\":{}}}";

  @BeforeAll
  static void start() {
    node = TestNode.start(c -> c.addChannel("realtime:*", "realtime", "authenticated"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static TestSocket realtime(String user) {
    return TestSocket.connectTo(
        node.client(),
        node.port(),
        "/realtime/v1/websocket?apikey=" + node.token(user) + "&vsn=2.0.0");
  }

  private static JsonArray join(TestSocket s, String topic, String params) {
    s.sendText("[\"1\",\"1\",\"" + topic + "\",\"phx_join\"," + params + "]");
    return s.reply("1");
  }

  /** realtime-js's {@code _encodeUserBroadcastPush}: kind 3, five lengths, encoding, fields. */
  static Buffer kind3(String ref, String topic, String event, int encoding, byte[] payload) {
    String[] fields = {"1", ref, topic, event, ""};
    Buffer b = Buffer.buffer().appendByte((byte) 3);
    for (String f : fields) {
      b.appendUnsignedByte((short) f.getBytes(StandardCharsets.UTF_8).length);
    }
    b.appendByte((byte) encoding);
    for (String f : fields) {
      b.appendString(f);
    }
    return b.appendBytes(payload);
  }

  @Test
  void aJsonKindThreePushIsBroadcastAsTextToRealtimeAndPhoenixClients() {
    try (TestSocket sender = realtime("rt-a");
        TestSocket phoenix = node.connect("rt-b")) {
      assertEquals("ok", status(join(sender, "realtime:json", JOIN_SELF_ACK)));
      assertEquals("ok", status(phoenix.join("1", "realtime:json")));
      sender.sendBinary(
          kind3("2", "realtime:json", "cursor", 1, "{\"x\":1}".getBytes(StandardCharsets.UTF_8)));
      assertEquals("ok", status(sender.reply("2"))); // ack: true
      JsonObject expected =
          new JsonObject()
              .put("type", "broadcast")
              .put("event", "cursor")
              .put("payload", new JsonObject().put("x", 1));
      assertEquals(expected, sender.event("realtime:json", "broadcast").getJsonObject(4));
      assertEquals(expected, phoenix.event("realtime:json", "broadcast").getJsonObject(4));
    }
  }

  @Test
  void aBinaryBroadcastIsKindFourToRealtimeClientsAndKindTwoToPhoenixOnes() {
    byte[] raw = {9, 8, 7, 0, (byte) 0xff};
    try (TestSocket sender = realtime("rt-c");
        TestSocket receiver = realtime("rt-d");
        TestSocket phoenix = node.connect("rt-e")) {
      join(sender, "realtime:bin", JOIN_DEFAULTS);
      join(receiver, "realtime:bin", JOIN_DEFAULTS);
      phoenix.join("1", "realtime:bin");
      sender.sendBinary(kind3("2", "realtime:bin", "blob", 0, raw));
      Buffer kind4 = receiver.awaitBinary("kind 4 broadcast");
      assertEquals(
          Buffer.buffer()
              .appendByte((byte) 4)
              .appendUnsignedByte((short) "realtime:bin".length())
              .appendUnsignedByte((short) "blob".length())
              .appendUnsignedByte((short) 0)
              .appendByte((byte) 0)
              .appendString("realtime:bin")
              .appendString("blob")
              .appendBytes(raw),
          kind4);
      assertEquals(
          BinaryFramesTest.broadcastFrame("realtime:bin", "blob", raw),
          phoenix.awaitBinary("kind 2 broadcast"));
    }
  }

  @Test
  void withoutSelfTheSenderIsLeftOutAndWithoutAckNotAnswered() {
    try (TestSocket sender = realtime("rt-f");
        TestSocket other = realtime("rt-g")) {
      join(sender, "realtime:quiet", JOIN_DEFAULTS);
      join(other, "realtime:quiet", JOIN_DEFAULTS);
      sender.sendText(
          "[\"1\",\"2\",\"realtime:quiet\",\"broadcast\","
              + "{\"type\":\"broadcast\",\"event\":\"e\",\"payload\":{\"n\":1}}]");
      assertEquals(
          1,
          other
              .event("realtime:quiet", "broadcast")
              .getJsonObject(4)
              .getJsonObject("payload")
              .getInteger("n"));
      // The other answers; what the sender gets first is that, not its own broadcast nor a reply.
      other.sendText(
          "[\"1\",\"2\",\"realtime:quiet\",\"broadcast\","
              + "{\"type\":\"broadcast\",\"event\":\"e\",\"payload\":{\"n\":2}}]");
      JsonArray first = sender.await("anything", a -> true);
      assertEquals("broadcast", first.getString(3), first.encode());
      assertEquals(2, first.getJsonObject(4).getJsonObject("payload").getInteger("n"));
      assertTrue(sender.poll(a -> true, Duration.ofMillis(100)).isEmpty());
    }
  }

  @Test
  void aBackendPublishArrivesAsTheBroadcastEvent() {
    try (TestSocket s = realtime("rt-h")) {
      join(s, "realtime:news", JOIN_DEFAULTS);
      Await.result(
          node.vertx
              .eventBus()
              .request(
                  Addresses.PUBLISH,
                  new JsonObject()
                      .put("topic", "realtime:news")
                      .put("event", "headline")
                      .put("payload", new JsonObject().put("title", "hi"))));
      assertEquals(
          new JsonObject()
              .put("type", "broadcast")
              .put("event", "headline")
              .put("payload", new JsonObject().put("title", "hi")),
          s.event("realtime:news", "broadcast").getJsonObject(4));
    }
  }

  @Test
  void presenceIsTrackedByKeyAndStateComesWhenEnabled() {
    try (TestSocket a = realtime("rt-i");
        TestSocket b = realtime("rt-j")) {
      join(a, "realtime:room", "{\"config\":{\"presence\":{\"key\":\"k-a\",\"enabled\":false}}}");
      join(b, "realtime:room", "{\"config\":{\"presence\":{\"key\":\"k-b\",\"enabled\":true}}}");
      assertEquals(new JsonObject(), b.event("realtime:room", "presence_state").getJsonObject(4));
      a.sendText(
          "[\"1\",\"2\",\"realtime:room\",\"presence\","
              + "{\"type\":\"presence\",\"event\":\"track\",\"payload\":{\"mood\":\"ok\"}}]");
      assertEquals("ok", status(a.reply("2")));
      JsonObject joins =
          b.await(
                  "a diff with k-a",
                  f ->
                      "presence_diff".equals(f.getString(3))
                          && f.getJsonObject(4).getJsonObject("joins").containsKey("k-a"))
              .getJsonObject(4)
              .getJsonObject("joins");
      JsonObject meta = joins.getJsonObject("k-a").getJsonArray("metas").getJsonObject(0);
      assertEquals("ok", meta.getString("mood"));
      assertTrue(meta.containsKey("phx_ref") && !meta.containsKey("online_at"), meta.encode());
    }
  }

  @Test
  void theRealtimePathIsClosedWithoutARealtimeRule() {
    try (TestNode plain = TestNode.start()) {
      Throwable err =
          Await.failure(
              plain
                  .client()
                  .connect(
                      new io.vertx.core.http.WebSocketConnectOptions()
                          .setHost("127.0.0.1")
                          .setPort(plain.port())
                          .setURI(
                              "/realtime/v1/websocket?apikey=" + plain.token("x") + "&vsn=2.0.0")));
      assertEquals(404, assertInstanceOf(UpgradeRejectedException.class, err).getStatus());
    }
  }
}
