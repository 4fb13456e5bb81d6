package io.switchboard.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Frames laid out byte by byte as realtime-js 2.119's {@code lib/serializer.js} writes them. */
class SupabaseBinaryCodecTest {

  static Buffer kind3(String jr, String ref, String topic, String event, int encoding, byte[] p) {
    String meta = "";
    Buffer b = Buffer.buffer().appendByte((byte) 3);
    for (String f : new String[] {jr, ref, topic, event, meta}) {
      b.appendUnsignedByte((short) f.getBytes(StandardCharsets.UTF_8).length);
    }
    b.appendByte((byte) encoding);
    for (String f : new String[] {jr, ref, topic, event, meta}) {
      b.appendString(f);
    }
    return b.appendBytes(p);
  }

  @Test
  void aJsonBroadcastPushBecomesTheTextPushItStandsFor() throws FrameException {
    Frame f =
        SupabaseBinaryCodec.decode(
            kind3(
                "1",
                "2",
                "realtime:room",
                "cursor",
                1,
                "{\"x\":1}".getBytes(StandardCharsets.UTF_8)));
    assertEquals("1", f.joinRef());
    assertEquals("2", f.ref());
    assertEquals("realtime:room", f.topic());
    assertEquals(Events.BROADCAST, f.event());
    assertFalse(f.binary());
    assertEquals(
        new JsonObject()
            .put("type", "broadcast")
            .put("event", "cursor")
            .put("payload", new JsonObject().put("x", 1)),
        new JsonObject(f.payload()));
  }

  @Test
  void aBinaryBroadcastPushIsABinaryPushOfTheUsersEvent() throws FrameException {
    byte[] raw = {0, (byte) 0xff, 7};
    Frame f = SupabaseBinaryCodec.decode(kind3("1", "", "realtime:room", "blob", 0, raw));
    assertTrue(f.binary());
    assertEquals("blob", f.event());
    assertEquals(null, f.ref());
    assertArrayEquals(raw, f.payload().getBytes());
  }

  @Test
  void badFramesAreRefused() {
    assertThrows(FrameException.class, () -> SupabaseBinaryCodec.decode(BinaryBroadcast.kind0()));
    assertThrows(
        FrameException.class,
        () ->
            SupabaseBinaryCodec.decode(
                kind3("1", "2", "realtime:r", "e", 1, "{nope".getBytes(StandardCharsets.UTF_8))));
    assertThrows(
        FrameException.class,
        () -> SupabaseBinaryCodec.decode(kind3("1", "2", "realtime:r", "e", 9, new byte[0])));
  }

  @Test
  void aPhoenixBinaryBroadcastBecomesKindFour() {
    byte[] raw = {1, 2, 3};
    Buffer kind4 =
        SupabaseBinaryCodec.fromV2Broadcast(
            V2BinaryCodec.broadcast("realtime:r", "blob", Buffer.buffer(raw)));
    Buffer expected =
        Buffer.buffer()
            .appendByte((byte) 4)
            .appendUnsignedByte((short) 10)
            .appendUnsignedByte((short) 4)
            .appendUnsignedByte((short) 0)
            .appendByte((byte) 0)
            .appendString("realtime:r")
            .appendString("blob")
            .appendBytes(raw);
    assertEquals(expected, kind4);
  }

  /** A stock Phoenix kind 0 push, which realtime-js never sends. */
  private static final class BinaryBroadcast {
    static Buffer kind0() {
      return Buffer.buffer(new byte[] {0, 1, 1, 1, 1, 'a', 'b', 'c', 'd'});
    }
  }
}
