package io.switchboard.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.switchboard.broker.EncodedFrame;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * One broadcast on its way to the clients of one event loop: the encoded message and, built the
 * first time a WebSocket client needs it, the whole WebSocket frame around it (plain, or
 * permessage-deflated once for every socket that deflates without context). Each client writes the
 * same bytes. Made and released by the loop's {@link BroadcastFramer}; valid only while the
 * broadcast's writes run.
 */
public final class PreparedFrame {
  private final SharedDeflater deflater;
  private EncodedFrame message;
  private ByteBuf plain;
  private ByteBuf deflated;

  PreparedFrame(SharedDeflater deflater) {
    this.deflater = deflater;
  }

  void reset(EncodedFrame message) {
    this.message = message;
  }

  /** The encoded message, for transports that frame it themselves. */
  public EncodedFrame message() {
    return message;
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
    message = null;
  }

  private static ByteBuf byteBuf(Buffer buffer) {
    return ((BufferInternal) buffer).getByteBuf();
  }
}
