package io.switchboard.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class V2BinaryCodecTest {

  private static final byte[] PAYLOAD = {0, 1, 2, (byte) 0xFF, (byte) 0x80, 127, '{', '}'};

  /** Builds bytes by hand: ints become single bytes, strings their UTF-8 bytes, byte[] as is. */
  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof Integer i) {
        out.write(i);
      } else if (part instanceof String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      } else {
        out.writeBytes((byte[]) part);
      }
    }
    return out.toByteArray();
  }

  // --- decode ---

  @Test
  void decodesAClientPush() throws FrameException {
    Buffer data = Buffer.buffer(bytes(0, 1, 2, 6, 5, "5", "12", "room:1", "image", PAYLOAD));

    Frame f = V2BinaryCodec.decode(data);

    assertEquals("5", f.joinRef());
    assertEquals("12", f.ref());
    assertEquals("room:1", f.topic());
    assertEquals("image", f.event());
    assertTrue(f.binary());
    assertArrayEquals(PAYLOAD, f.payload().getBytes());
  }

  @Test
  void decodesMultiByteUtf8HeaderFields() throws FrameException {
    String topic = "room:é😀";
    int topicBytes = topic.getBytes(StandardCharsets.UTF_8).length;
    Buffer data = Buffer.buffer(bytes(0, 1, 1, topicBytes, 1, "1", "2", topic, "e", PAYLOAD));

    Frame f = V2BinaryCodec.decode(data);

    assertEquals(topic, f.topic());
    assertArrayEquals(PAYLOAD, f.payload().getBytes());
  }

  @Test
  void decodesAnEmptyJoinRefAsNull() throws FrameException {
    Frame f = V2BinaryCodec.decode(Buffer.buffer(bytes(0, 0, 1, 1, 1, "7", "t", "e")));

    assertNull(f.joinRef());
    assertEquals("7", f.ref());
    assertEquals(0, f.payload().length());
  }

  @Test
  void decodedPayloadIsACopyOfTheInput() throws FrameException {
    Buffer data = Buffer.buffer(bytes(0, 1, 1, 1, 1, "1", "2", "t", "e", new byte[] {10, 20}));

    Frame f = V2BinaryCodec.decode(data);
    data.setByte(data.length() - 1, (byte) 99);

    assertArrayEquals(new byte[] {10, 20}, f.payload().getBytes());
  }

  @Test
  void refusesAReplyKind() {
    Buffer data = Buffer.buffer(bytes(1, 1, 1, 1, 2, "1", "2", "t", "ok"));

    FrameException e = assertThrows(FrameException.class, () -> V2BinaryCodec.decode(data));

    assertEquals("binary frame kind 1 is not a client push (0)", e.reason());
  }

  @Test
  void refusesABroadcastKind() {
    Buffer data = Buffer.buffer(bytes(2, 1, 1, 1, 1, "t", "e", "x", "y"));

    assertThrows(FrameException.class, () -> V2BinaryCodec.decode(data));
  }

  @Test
  void refusesAnEmptyFrame() {
    assertThrows(FrameException.class, () -> V2BinaryCodec.decode(Buffer.buffer()));
  }

  @Test
  void refusesATruncatedHeader() {
    FrameException e =
        assertThrows(
            FrameException.class, () -> V2BinaryCodec.decode(Buffer.buffer(bytes(0, 1, 1, 1))));

    assertEquals("binary frame shorter than its header", e.reason());
  }

  @Test
  void refusesHeaderFieldsRunningPastTheEnd() {
    // Sizes announce 1 + 1 + 6 + 5 bytes, only 1 + 1 + 3 follow.
    Buffer data = Buffer.buffer(bytes(0, 1, 1, 6, 5, "1", "2", "roo"));

    FrameException e = assertThrows(FrameException.class, () -> V2BinaryCodec.decode(data));

    assertEquals("binary frame header fields run past its end", e.reason());
  }

  @Test
  void refusesALastHeaderFieldOneByteShort() {
    Buffer data = Buffer.buffer(bytes(0, 1, 1, 1, 5, "1", "2", "t", "even"));

    assertThrows(FrameException.class, () -> V2BinaryCodec.decode(data));
  }

  @Test
  void refusesAnEmptyTopic() {
    Buffer data = Buffer.buffer(bytes(0, 1, 1, 0, 1, "1", "2", "e"));

    FrameException e = assertThrows(FrameException.class, () -> V2BinaryCodec.decode(data));

    assertEquals("binary frame needs a topic and an event", e.reason());
  }

  // --- encode ---

  @Test
  void encodesABroadcastAsKind2TopicEvent() {
    Buffer out = V2BinaryCodec.broadcast("room:1", "image", Buffer.buffer(PAYLOAD));

    assertArrayEquals(bytes(2, 6, 5, "room:1", "image", PAYLOAD), out.getBytes());
  }

  @Test
  void encodesAReplyAsKind1JoinRefRefTopicStatus() {
    Buffer out = V2BinaryCodec.reply("5", "12", "room:1", "ok", Buffer.buffer(PAYLOAD));

    assertArrayEquals(bytes(1, 1, 2, 6, 2, "5", "12", "room:1", "ok", PAYLOAD), out.getBytes());
  }

  @Test
  void encodesAServerPushAsKind0JoinRefTopicEventWithoutRef() {
    Buffer out = V2BinaryCodec.push("5", "room:1", "image", Buffer.buffer(PAYLOAD));

    assertArrayEquals(bytes(0, 1, 6, 5, "5", "room:1", "image", PAYLOAD), out.getBytes());
  }

  @Test
  void encodesANullJoinRefAsAnEmptyField() {
    Buffer out = V2BinaryCodec.reply(null, "3", "t", "error", Buffer.buffer());

    assertArrayEquals(bytes(1, 0, 1, 1, 5, "3", "t", "error"), out.getBytes());
  }

  @Test
  void encodesFieldSizesInUtf8Bytes() {
    String topic = "room:é😀"; // 5 + 2 + 4 bytes

    Buffer out = V2BinaryCodec.broadcast(topic, "e", Buffer.buffer(new byte[] {7}));

    assertArrayEquals(bytes(2, 11, 1, topic, "e", new byte[] {7}), out.getBytes());
  }

  @Test
  void acceptsAHeaderFieldOfExactly255Bytes() {
    String topic = "t".repeat(255);

    Buffer out = V2BinaryCodec.broadcast(topic, "e", Buffer.buffer());

    assertEquals(255, out.getUnsignedByte(1));
    assertEquals(1 + 2 + 255 + 1, out.length());
  }

  @Test
  void refusesAHeaderFieldOver255Bytes() {
    String topic = "t".repeat(256);

    assertThrows(
        IllegalArgumentException.class, () -> V2BinaryCodec.broadcast(topic, "e", Buffer.buffer()));
  }

  @Test
  void refusesAHeaderFieldOver255Utf8BytesThoughUnder255Chars() {
    String event = "é".repeat(128); // 128 chars, 256 bytes

    assertThrows(
        IllegalArgumentException.class,
        () -> V2BinaryCodec.push("1", "room:1", event, Buffer.buffer()));
  }

  @Test
  void refusesAnOversizedStatusInAReply() {
    assertThrows(
        IllegalArgumentException.class,
        () -> V2BinaryCodec.reply("1", "2", "t", "s".repeat(300), Buffer.buffer()));
  }

  @Test
  void anEncodedPushShapedFrameDecodesBack() throws FrameException {
    // A client push has the same layout as a server reply but with kind 0; build one via reply and
    // patch the kind.
    Buffer out = V2BinaryCodec.reply("5", "9", "room:1", "image", Buffer.buffer(PAYLOAD));
    out.setByte(0, V2BinaryCodec.PUSH);

    Frame f = V2BinaryCodec.decode(out);

    assertEquals("5", f.joinRef());
    assertEquals("9", f.ref());
    assertEquals("room:1", f.topic());
    assertEquals("image", f.event());
    assertArrayEquals(PAYLOAD, f.payload().getBytes());
  }
}
