package io.switchboard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.switchboard.broker.EncodedFrame;
import io.switchboard.protocol.WireFormat;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * One broadcast, many formats: each format's bytes and wire frame are made once per broadcast and
 * shared by every client of that format (the same objects come back), and V2 clients get the
 * publisher's encoding untouched.
 */
class PreparedFrameFormatsTest {
  private final BroadcastFramer framer = new BroadcastFramer(0);
  private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

  @Test
  void aTextBroadcastIsConvertedOncePerFormat() {
    EncodedFrame message =
        EncodedFrame.broadcast("room:x", "shout", Buffer.buffer("{\"n\":1}"), false);
    PreparedFrame frame = framer.prepare(message);
    try {
      assertSame(message.bytes(), frame.bytes(WireFormat.V2));
      Buffer v1 = frame.bytes(WireFormat.V1);
      assertSame(v1, frame.bytes(WireFormat.V1), "converted once, then shared");
      JsonObject object = new JsonObject(v1);
      assertEquals("shout", object.getString("event"));
      assertEquals(1, object.getJsonObject("payload").getInteger("n"));
      ByteBuf v1Wire = frame.wire(alloc, false, WireFormat.V1);
      assertSame(v1Wire, frame.wire(alloc, false, WireFormat.V1));
      // realtime-js reads V2 text: it shares the V2 frame itself.
      assertSame(frame.wire(alloc, false), frame.wire(alloc, false, WireFormat.SUPABASE));
    } finally {
      framer.done(frame);
    }
  }

  @Test
  void aBinaryBroadcastIsKindFourOnceForRealtimeAndNothingForV1() {
    EncodedFrame message =
        EncodedFrame.broadcast("realtime:x", "blob", Buffer.buffer(new byte[] {1, 2}), true);
    PreparedFrame frame = framer.prepare(message);
    try {
      assertNull(frame.bytes(WireFormat.V1));
      assertNull(frame.wire(alloc, false, WireFormat.V1));
      Buffer kind4 = frame.bytes(WireFormat.SUPABASE);
      assertEquals(4, kind4.getByte(0));
      assertSame(kind4, frame.bytes(WireFormat.SUPABASE));
      assertSame(
          frame.wire(alloc, false, WireFormat.SUPABASE),
          frame.wire(alloc, false, WireFormat.SUPABASE));
    } finally {
      framer.done(frame);
    }
  }

  @Test
  void theNextBroadcastStartsClean() {
    PreparedFrame first =
        framer.prepare(EncodedFrame.broadcast("t", "a", Buffer.buffer("{\"k\":1}"), false));
    Buffer firstV1 = first.bytes(WireFormat.V1);
    framer.done(first);
    PreparedFrame second =
        framer.prepare(EncodedFrame.broadcast("t", "b", Buffer.buffer("{\"k\":2}"), false));
    try {
      Buffer secondV1 = second.bytes(WireFormat.V1);
      assertEquals("b", new JsonObject(secondV1).getString("event"));
      assertEquals("a", new JsonObject(firstV1).getString("event"));
    } finally {
      framer.done(second);
    }
  }
}
