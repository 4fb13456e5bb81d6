package io.switchboard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pre-built broadcast frames, read back by a client's frame decoder at every length encoding (7,
 * 16, 64 bit).
 */
class WireFramesTest {
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 125, 126, 127, 65_535, 65_536, 200_000})
  void aClientDecoderReadsThePayloadBackIntact(int length) {
    byte[] payload = new byte[length];
    for (int i = 0; i < length; i++) {
      payload[i] = (byte) ('a' + i % 26);
    }
    assertFrame(length, payload, false, false);
    assertFrame(length, payload, true, false);
    assertFrame(length, payload, false, true);
  }

  private static void assertFrame(int length, byte[] payload, boolean binary, boolean deflated) {
    ByteBuf frame =
        WireFrames.frame(
            ByteBufAllocator.DEFAULT, Unpooled.wrappedBuffer(payload), binary, deflated);
    // A client's decoder: server frames are unmasked; extensions allowed so RSV1 is accepted.
    EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(false, true, 1 << 20));
    client.writeInbound(frame);
    WebSocketFrame read = client.readInbound();
    try {
      Class<? extends WebSocketFrame> expected =
          binary ? BinaryWebSocketFrame.class : TextWebSocketFrame.class;
      assertInstanceOf(expected, read, "opcode");
      assertTrue(read.isFinalFragment());
      assertEquals(deflated ? 0x4 : 0, read.rsv(), "RSV1 only on pre-compressed frames");
      assertEquals(length, read.content().readableBytes());
      assertEquals(
          new String(payload, StandardCharsets.ISO_8859_1),
          new String(ByteBufUtil.getBytes(read.content()), StandardCharsets.ISO_8859_1));
    } finally {
      read.release();
      client.finishAndReleaseAll();
    }
  }
}
