package io.switchboard.bench;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.switchboard.coalescing.FlushScheduler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.http.WebSocketInternal;
import java.util.HashSet;
import java.util.Set;

/**
 * One bare-server socket and its two write strategies. Only touched from the server's single event
 * loop.
 */
final class BareSocket implements FlushScheduler.Flushable {
  enum Mode {
    /**
     * Vert.x's public API: {@code writeFrame} per subscriber. Vert.x flushes each write that is not
     * made while that same connection is reading, so a broadcast costs one flush (one syscall) per
     * subscriber.
     */
    FLUSH,
    /**
     * Netty frames written without a flush; every touched socket is flushed once per event-loop
     * turn.
     */
    COALESCED
  }

  final Set<String> topics = new HashSet<>(4);
  private final ServerWebSocket ws;
  private final Mode mode;
  private final FlushScheduler flusher;
  private final ChannelHandlerContext ctx;
  private boolean dirty;

  BareSocket(ServerWebSocket ws, Mode mode, FlushScheduler flusher) {
    this.ws = ws;
    this.mode = mode;
    this.flusher = flusher;
    this.ctx = ((WebSocketInternal) ws).channelHandlerContext();
  }

  /**
   * Writes a text frame holding {@code frame}; the buffer is shared between sockets and never
   * modified.
   */
  void write(Buffer frame) {
    // getByteBuf() is a fresh duplicate of an unreleasable buffer: safe to hand to Netty once per
    // socket.
    if (mode == Mode.FLUSH) {
      ws.writeFrame(
          new WebSocketFrameImpl(
              WebSocketFrameType.TEXT, ((BufferInternal) frame).getByteBuf(), true));
      return;
    }
    ctx.write(new TextWebSocketFrame(((BufferInternal) frame).getByteBuf()), ctx.voidPromise());
    if (!dirty) {
      dirty = true;
      flusher.markDirty(this);
    }
  }

  @Override
  public void flush() {
    dirty = false;
    ctx.flush();
  }
}
