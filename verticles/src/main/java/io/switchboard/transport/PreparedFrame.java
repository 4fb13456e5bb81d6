package io.switchboard.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.switchboard.broker.EncodedFrame;
import io.switchboard.protocol.SupabaseBinaryCodec;
import io.switchboard.protocol.V1JsonCodec;
import io.switchboard.protocol.WireFormat;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * One broadcast on its way to the clients of one event loop: the encoded message and, built the
 * first time a WebSocket client needs it, the whole WebSocket frame around it (plain, or
 * permessage-deflated once for every socket that deflates without context). Each client writes the
 * same bytes. Made and released by the loop's {@link BroadcastFramer}; valid only while the
 * broadcast's writes run.
 *
 * <p>The message is encoded for V2 clients. The first client of another {@link WireFormat} has it
 * converted, once per broadcast and format on this loop (a V1 object, a realtime-js kind 4 frame);
 * the clients of that format then share those bytes too. V2 clients never pay for it.
 */
public final class PreparedFrame {
  private static final int FORMATS = WireFormat.values().length;

  private final SharedDeflater deflater;
  private EncodedFrame message;
  private ByteBuf plain;
  private ByteBuf deflated;

  /**
   * Per other format (by ordinal), its conversion and frames; only touched when a client of that
   * format is written to, and then cleared on release.
   */
  private final Buffer[] converted = new Buffer[FORMATS];

  private final boolean[] unrepresentable = new boolean[FORMATS];
  private final ByteBuf[] otherPlain = new ByteBuf[FORMATS];
  private final ByteBuf[] otherDeflated = new ByteBuf[FORMATS];
  private boolean convertedAny;

  PreparedFrame(SharedDeflater deflater) {
    this.deflater = deflater;
  }

  void reset(EncodedFrame message) {
    this.message = message;
  }

  /** The encoded message (V2), for transports that frame it themselves. */
  public EncodedFrame message() {
    return message;
  }

  /** Whether the message is binary in {@code format} (as its V2 encoding is). */
  public boolean binary() {
    return message.binary();
  }

  /**
   * The message's bytes as a client of {@code format} reads them, converted at most once per
   * broadcast; null if the format cannot carry it (a binary broadcast to a V1 client).
   */
  public Buffer bytes(WireFormat format) {
    if (format == WireFormat.V2) {
      return message.bytes();
    }
    int i = format.ordinal();
    if (converted[i] == null && !unrepresentable[i]) {
      convertedAny = true;
      converted[i] = convert(format);
      unrepresentable[i] = converted[i] == null;
    }
    return converted[i];
  }

  private Buffer convert(WireFormat format) {
    if (format == WireFormat.V1) {
      return message.binary() ? null : V1JsonCodec.fromV2(message.bytes());
    }
    // SUPABASE: V2's text, but its own binary kind.
    return message.binary()
        ? SupabaseBinaryCodec.fromV2Broadcast(message.bytes())
        : message.bytes();
  }

  /**
   * Header and payload as RFC 6455 §5.2 puts them on the wire, made once; {@code deflate} only with
   * a deflater.
   */
  ByteBuf wire(ByteBufAllocator alloc, boolean deflate) {
    if (deflate) {
      if (deflated == null) {
        deflated =
            WireFrames.frame(
                alloc, byteBuf(deflater.compress(message.bytes())), message.binary(), true);
      }
      return deflated;
    }
    if (plain == null) {
      plain = WireFrames.frame(alloc, byteBuf(message.bytes()), message.binary(), false);
    }
    return plain;
  }

  /**
   * {@link #wire(ByteBufAllocator, boolean)} for a client of {@code format}; null if the format
   * cannot carry the message.
   */
  ByteBuf wire(ByteBufAllocator alloc, boolean deflate, WireFormat format) {
    if (format == WireFormat.V2 || (format == WireFormat.SUPABASE && !message.binary())) {
      return wire(alloc, deflate); // the same bytes: share the frame too
    }
    Buffer bytes = bytes(format);
    if (bytes == null) {
      return null;
    }
    ByteBuf[] cache = deflate ? otherDeflated : otherPlain;
    int i = format.ordinal();
    if (cache[i] == null) {
      cache[i] =
          WireFrames.frame(
              alloc,
              byteBuf(deflate ? deflater.compress(bytes) : bytes),
              message.binary(),
              deflate);
    }
    return cache[i];
  }

  /**
   * The writes are done: the frames go back to the pool (sockets hold their own references to what
   * they queued).
   */
  void release() {
    if (plain != null) {
      plain.release();
      plain = null;
    }
    if (deflated != null) {
      deflated.release();
      deflated = null;
    }
    if (convertedAny) {
      releaseConversions();
    }
    message = null;
  }

  private void releaseConversions() {
    convertedAny = false;
    for (int i = 0; i < FORMATS; i++) {
      converted[i] = null;
      unrepresentable[i] = false;
      if (otherPlain[i] != null) {
        otherPlain[i].release();
        otherPlain[i] = null;
      }
      if (otherDeflated[i] != null) {
        otherDeflated[i].release();
        otherDeflated[i] = null;
      }
    }
  }

  private static ByteBuf byteBuf(Buffer buffer) {
    return ((BufferInternal) buffer).getByteBuf();
  }
}
