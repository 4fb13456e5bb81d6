package io.switchboard.socket;

import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.Addresses;
import io.switchboard.support.Await;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * V2 binary frames both ways: a binary push is answered and broadcast as kind 2 with the bytes
 * unchanged.
 */
class BinaryFramesTest {
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** Kind 0 client push: sizes of jr, ref, topic, event, then the fields, then the payload. */
  static Buffer clientPush(String jr, String ref, String topic, String event, byte[] payload) {
    Buffer b = Buffer.buffer().appendByte((byte) 0);
    for (String f : new String[] {jr, ref, topic, event}) {
      b.appendUnsignedByte((short) f.getBytes(StandardCharsets.UTF_8).length);
    }
    for (String f : new String[] {jr, ref, topic, event}) {
      b.appendString(f);
    }
    return b.appendBytes(payload);
  }

  static Buffer broadcastFrame(String topic, String event, byte[] payload) {
    return Buffer.buffer()
        .appendByte((byte) 2)
        .appendUnsignedByte((short) topic.length())
        .appendUnsignedByte((short) event.length())
        .appendString(topic)
        .appendString(event)
        .appendBytes(payload);
  }

  @Test
  void binaryPushIsRepliedAndBroadcastAsKindTwo() {
    byte[] payload = {0, 1, 2, (byte) 0xff, (byte) 0xfe, 42};
    try (TestSocket a = node.connect("a");
        TestSocket b = node.connect("b")) {
      a.join("1", "room:bin");
      b.join("1", "room:bin");
      a.sendBinary(clientPush("1", "2", "room:bin", "shout", payload));
      assertEquals("ok", status(a.reply("2")));
      Buffer expected = broadcastFrame("room:bin", "shout", payload);
      assertEquals(expected, a.awaitBinary("binary broadcast to the sender"));
      assertEquals(expected, b.awaitBinary("binary broadcast to the other subscriber"));
    }
  }

  @Test
  void backendBinaryPublishArrivesAsKindTwo() {
    byte[] payload = "raw bytes".getBytes(StandardCharsets.UTF_8);
    try (TestSocket s = node.connect("a")) {
      s.join("1", "room:bin2");
      Await.result(
          node.vertx
              .eventBus()
              .request(
                  Addresses.PUBLISH,
                  new JsonObject()
                      .put("topic", "room:bin2")
                      .put("event", "blob")
                      .put("binary", java.util.Base64.getEncoder().encodeToString(payload))));
      assertEquals(broadcastFrame("room:bin2", "blob", payload), s.awaitBinary("binary broadcast"));
    }
  }

  @Test
  void backendBinaryPublishWithAnEventTooLongForTheFrameIsRefused() {
    // One length byte per field in the binary frame: 256 bytes of event cannot be sent, and the
    // caller is told.
    Throwable refused =
        Await.failure(
            node.vertx
                .eventBus()
                .request(
                    Addresses.PUBLISH,
                    new JsonObject()
                        .put("topic", "room:bin3")
                        .put("event", "e".repeat(256))
                        .put(
                            "binary",
                            java.util.Base64.getEncoder().encodeToString(new byte[] {1}))));
    assertEquals(400, ((io.vertx.core.eventbus.ReplyException) refused).failureCode());
    assertTrue(refused.getMessage().contains("255"), refused.getMessage());
  }
}
