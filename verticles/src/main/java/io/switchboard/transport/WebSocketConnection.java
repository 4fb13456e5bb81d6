package io.switchboard.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.switchboard.coalescing.FlushScheduler;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.WireFormat;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.http.WebSocketInternal;
import java.util.ArrayDeque;
import java.util.function.Function;

/**
 * One WebSocket as a {@link FrameWriter}: its inbound queue and its writes, straight to Netty.
 * Protocol state (joined channels, refs, rate budget) lives in the socket package's session, not
 * here. Lives on one event loop, no locks.
 *
 * <p>Inbound messages are handled strictly in order, one at a time (a join's reply precedes the
 * replies to pushes sent after it, as in Phoenix); at most {@code maxInflight} wait, beyond that
 * the socket stops reading until the queue halves, which pushes back on the client through TCP.
 *
 * <p>Outbound frames go straight to Netty without a flush and are flushed once per event-loop turn
 * by the {@link FlushScheduler}; every write shares the one encoded buffer. The pending outbound
 * bytes are bounded: a socket that lets them pass {@code maxOutboundBytes} is closed as a slow
 * consumer and its backlog dropped.
 */
public final class WebSocketConnection implements FrameWriter, FlushScheduler.Flushable {
  private final ServerWebSocket ws;
  private long lastSeenMillis;

  private final ChannelHandlerContext ctx;

  /**
   * The WebSocket frame encoder's context: whole frames are written from here, past the encoder, so
   * only the handlers nearer the wire (TLS, if configured) see them.
   */
  private final ChannelHandlerContext wire;

  private final FlushScheduler flusher;
  private final SwitchboardMeters meters;
  private final long maxOutboundBytes;
  private final int maxInflight;

  /**
   * Messages waiting while one is being handled; null while there is no backlog (the usual case).
   */
  private ArrayDeque<Inbound> inbound;

  private Function<Inbound, Future<Void>> handler;
  private boolean busy;

  /**
   * Reading is paused while too many messages wait to be handled, or while the write queue is full.
   */
  private boolean inboundFull;

  private boolean outboundFull;
  private boolean readingPaused;
  private boolean flushPending;

  /** Pending outbound bytes at the last sample (for the outbound-queue gauge). */
  private long sampledOutboundBytes;

  private boolean closing;

  /**
   * permessage-deflate negotiated and our side keeps no context: broadcasts may come
   * pre-compressed.
   */
  boolean deflatesWithoutContext;

  private boolean aborted;

  /** The format broadcasts are written in; V2 until the session says otherwise. */
  private WireFormat format = WireFormat.V2;

  WebSocketConnection(
      ServerWebSocket ws,
      FlushScheduler flusher,
      SwitchboardMeters meters,
      long maxOutboundBytes,
      int maxInflight) {
    this.ws = ws;
    this.meters = meters;
    this.ctx = ((WebSocketInternal) ws).channelHandlerContext();
    this.wire = ctx.pipeline().context(WebSocketFrameEncoder.class);
    if (wire == null) {
      throw new IllegalStateException(
          "no WebSocket frame encoder in the socket's pipeline: " + ctx.pipeline().names());
    }
    this.flusher = flusher;
    this.maxOutboundBytes = maxOutboundBytes;
    this.maxInflight = maxInflight;
    this.lastSeenMillis = System.currentTimeMillis();
    // One handler (an idle socket pays for each) for two things Vert.x does not do. Our frames
    // bypass Vert.x's write queue, so its drainHandler never fires for them: watch Netty's
    // writability. And Vert.x echoes any close code it gets (Netty lets 5000 through): answer a
    // code no peer may send with 1002 instead.
    ctx.pipeline()
        .addBefore(
            ctx.name(),
            "switchboard-connection",
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelWritabilityChanged(ChannelHandlerContext c) {
                if (c.channel().isWritable() && outboundFull) {
                  outboundFull = false;
                  updateReading();
                }
                c.fireChannelWritabilityChanged();
              }

              @Override
              public void channelRead(ChannelHandlerContext c, Object msg) {
                if (msg instanceof CloseWebSocketFrame close
                    && close.statusCode() != -1
                    && !CloseCodes.validInCloseFrame(close.statusCode())) {
                  close.release();
                  abort(CloseCodes.PROTOCOL_ERROR, "invalid close code");
                  return;
                }
                c.fireChannelRead(msg);
              }
            });
  }

  /**
   * Where received messages go, one at a time: the next is handed over when the future of the last
   * completes. Set once, before the socket is read.
   */
  public void onMessage(Function<Inbound, Future<Void>> handler) {
    this.handler = handler;
  }

  /** When the client last sent anything (for the idle timeout). */
  public long lastSeenMillis() {
    return lastSeenMillis;
  }

  // ---- inbound ----

  void receive(Object data) {
    if (closing) {
      // We closed it (bad frame, rate limit, idle, drain): until its close frame or Vert.x's close
      // timeout, what the client still sends is dropped, never queued, or a client that ignores the
      // close could fill the heap.
      meters.dropped(1);
      return;
    }
    lastSeenMillis = System.currentTimeMillis();
    Inbound message = new Inbound(data, System.nanoTime());
    if (!busy && inbound == null) {
      handleOne(message);
      return;
    }
    if (inbound == null) {
      inbound = new ArrayDeque<>(4);
    }
    inbound.add(message);
    if (inbound.size() >= maxInflight) {
      inboundFull = true;
      updateReading();
    }
    drain();
  }

  private void updateReading() {
    boolean pause = (inboundFull || outboundFull) && !closing;
    if (pause != readingPaused) {
      readingPaused = pause;
      meters.readPaused(pause);
      if (pause) {
        ws.pause();
      } else {
        ws.resume();
      }
    }
  }

  private void handleOne(Inbound next) {
    Future<Void> done = handler.apply(next);
    if (!done.isComplete()) {
      busy = true;
      done.onComplete(
          ar -> {
            busy = false;
            drain();
          });
    }
  }

  private void drain() {
    if (inbound == null) {
      return;
    }
    while (!busy && !closing) {
      Inbound next = inbound.poll();
      if (next == null) {
        break;
      }
      handleOne(next);
    }
    if (inboundFull && inbound.size() <= maxInflight / 2) {
      inboundFull = false;
      updateReading();
    }
    if (inbound.isEmpty() && !closing) {
      inbound = null;
    }
  }

  // ---- outbound ----

  /**
   * Writes a frame without flushing; the flush comes once per event-loop turn. The buffer may be
   * shared with other sockets and is not modified. Returns false when the socket is closing and the
   * frame was dropped.
   */
  @Override
  public boolean write(Buffer bytes, boolean binary) {
    if (closing) {
      return false;
    }
    ByteBuf data = ((BufferInternal) bytes).getByteBuf();
    ctx.write(
        binary ? new BinaryWebSocketFrame(data) : new TextWebSocketFrame(data), ctx.voidPromise());
    return afterWrite();
  }

  /**
   * Writes the whole WebSocket frame built once for many sockets ({@link WireFrames}), as a
   * duplicate: the bytes are shared, not copied. Pre-compressed frames (RSV1) only to sockets with
   * {@link #deflatesWithoutContext}.
   */
  @Override
  public boolean writePrepared(PreparedFrame frame) {
    if (closing) {
      return false;
    }
    ByteBuf bytes =
        format == WireFormat.V2
            ? frame.wire(ctx.alloc(), deflatesWithoutContext)
            : frame.wire(ctx.alloc(), deflatesWithoutContext, format);
    if (bytes == null) {
      return false; // a binary broadcast to a V1 client: V1 has no binary frames
    }
    wire.write(bytes.retainedDuplicate(), wire.voidPromise());
    return afterWrite();
  }

  @Override
  public void speak(WireFormat format) {
    this.format = format;
  }

  /** Schedules the flush and applies backpressure; true (the frame was taken). */
  private boolean afterWrite() {
    if (!flushPending) {
      flushPending = true;
      flusher.markDirty(this);
    }
    if (!outboundFull && !ctx.channel().isWritable()) {
      // Transport backpressure: stop reading from a socket we cannot write to, until it drains.
      outboundFull = true;
      updateReading();
    }
    return true;
  }

  /** Bytes written to this socket that the kernel has not taken yet. */
  private long pendingOutboundBytes() {
    ChannelOutboundBuffer pending = ctx.channel().unsafe().outboundBuffer();
    return pending == null ? 0 : pending.totalPendingWriteBytes();
  }

  @Override
  public void flush() {
    flushPending = false;
    wire.flush(); // flushes all the socket has written; handlers between here and ctx buffer
    // nothing The slow-consumer bound counts only what the kernel would not take: frames still
    // waiting for our own (possibly delayed) flush are not the client's fault, and checking at
    // write time cut off fast clients.
    if (!closing && !ctx.channel().isWritable() && pendingOutboundBytes() > maxOutboundBytes) {
      closing = true;
      // Deferred: we may be inside the flush scheduler's loop, and the close changes topic member
      // sets.
      ctx.executor().execute(() -> abort(CloseCodes.SLOW_CONSUMER, "slow consumer"));
    }
  }

  /**
   * Adds this socket's change in pending outbound bytes since the last sample; the caller sums them
   * per sweep.
   */
  public long sampleOutboundBytes() {
    long now = pendingOutboundBytes();
    long delta = now - sampledOutboundBytes;
    sampledOutboundBytes = now;
    return delta;
  }

  @Override
  public boolean closing() {
    return closing;
  }

  /**
   * The connection is gone (closed by either side): work still in flight for it, such as a join
   * whose route reply comes later, must not attach anything to it. Releases what the socket held in
   * node-wide meters.
   */
  void closed() {
    closing = true;
    released();
  }

  private void released() {
    if (readingPaused) {
      readingPaused = false;
      meters.readPaused(false);
    }
    meters.outboundBytesChanged(-sampledOutboundBytes);
    sampledOutboundBytes = 0;
  }

  @Override
  public void close(short code, String reason) {
    if (closing) {
      return;
    }
    closing = true;
    meters.serverClosed(code);
    ctx.flush();
    ws.close(code, reason);
  }

  /**
   * Drops the backlog: the close frame is sent if it fits, then the TCP connection is closed at
   * once.
   */
  @Override
  public void abort(short code, String reason) {
    if (aborted) {
      return;
    }
    aborted = true;
    closing = true;
    meters.serverClosed(code);
    ctx.writeAndFlush(new io.netty.handler.codec.http.websocketx.CloseWebSocketFrame(code, reason));
    // ctx.close(), not channel().close(): the latter passes through Vert.x's handler, which holds
    // the TCP connection open for its 10 s WebSocket closing timeout, backlog and all.
    ctx.close();
  }
}
