package io.switchboard.socket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.switchboard.coalescing.FlushScheduler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.switchboard.auth.Principal;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.Events;
import io.switchboard.protocol.V2JsonCodec;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.http.WebSocketInternal;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One Phoenix socket: its joined topics, its inbound queue and its writes. Lives on one event loop, no locks.
 *
 * <p>Inbound messages are handled strictly in order, one at a time (a join's reply precedes the replies to pushes
 * sent after it, as in Phoenix); at most {@code maxInflight} wait, beyond that the socket stops reading until the
 * queue halves, which pushes back on the client through TCP.
 *
 * <p>Outbound frames go straight to Netty without a flush and are flushed once per event-loop turn by the
 * {@link FlushScheduler}; every write shares the one encoded buffer. The pending outbound bytes are bounded: a
 * socket that lets them pass {@code maxOutboundBytes} is closed as a slow consumer and its backlog dropped.
 */
final class Connection implements FlushScheduler.Flushable {
  final ServerWebSocket ws;
  final Principal user;
  /** topic → the current join of it. */
  final Map<String, JoinedChannel> joined = new HashMap<>(2);
  long lastSeenMillis;
  /** Inbound rate limit (set when the socket opens). */
  TokenBucket rate;
  int rejectedInARow;
  /** Bytes buffered over all this socket's stream channels (limits.maxStreamBufferBytes). */
  long streamBufferedBytes;
  long lastThrottleNanos;

  private final ChannelHandlerContext ctx;
  /**
   * The WebSocket frame encoder's context: whole frames are written from here, past the encoder, so only the
   * handlers nearer the wire (TLS, if configured) see them.
   */
  private final ChannelHandlerContext wire;
  private final FlushScheduler flusher;
  private final SwitchboardMeters meters;
  private final long maxOutboundBytes;
  private final int maxInflight;
  /** Messages waiting while one is being handled; null while there is no backlog (the usual case). */
  private ArrayDeque<Inbound> inbound;
  private Function<Inbound, Future<Void>> handler;
  private boolean busy;
  /** Reading is paused while too many messages wait to be handled, or while the write queue is full. */
  private boolean inboundFull;
  private boolean outboundFull;
  private boolean readingPaused;
  private boolean flushPending;
  /** Pending outbound bytes at the last sample (for the outbound-queue gauge). */
  long sampledOutboundBytes;
  private boolean closing;
  /** permessage-deflate negotiated and our side keeps no context: broadcasts may come pre-compressed. */
  boolean deflatesWithoutContext;
  private boolean aborted;

  /** A received message (String for text, Buffer for binary) and when it arrived. */
  record Inbound(Object data, long receivedNanos) {
  }

  Connection(ServerWebSocket ws, Principal user, FlushScheduler flusher, SwitchboardMeters meters,
             long maxOutboundBytes, int maxInflight) {
    this.ws = ws;
    this.meters = meters;
    this.user = user;
    this.ctx = ((WebSocketInternal) ws).channelHandlerContext();
    this.wire = ctx.pipeline().context(WebSocketFrameEncoder.class);
    if (wire == null) {
      throw new IllegalStateException("no WebSocket frame encoder in the socket's pipeline: " + ctx.pipeline().names());
    }
    this.flusher = flusher;
    this.maxOutboundBytes = maxOutboundBytes;
    this.maxInflight = maxInflight;
    this.lastSeenMillis = System.currentTimeMillis();
    // Our frames bypass Vert.x's write queue, so its drainHandler never fires for them: watch Netty's writability.
    ctx.pipeline().addBefore(ctx.name(), "switchboard-writability", new ChannelInboundHandlerAdapter() {
      @Override
      public void channelWritabilityChanged(ChannelHandlerContext c) {
        if (c.channel().isWritable() && outboundFull) {
          outboundFull = false;
          updateReading();
        }
        c.fireChannelWritabilityChanged();
      }
    });
  }

  void onMessage(Function<Inbound, Future<Void>> handler) {
    this.handler = handler;
  }

  // ---- inbound ----

  void receive(Object data) {
    if (closing) {
      // We closed it (bad frame, rate limit, idle, drain): until its close frame or Vert.x's close timeout, what the
      // client still sends is dropped, never queued, or a client that ignores the close could fill the heap.
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
      done.onComplete(ar -> {
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
   * Writes a frame without flushing; the flush comes once per event-loop turn. The buffer may be shared with
   * other sockets and is not modified. Returns false when the socket is closing and the frame was dropped.
   */
  boolean write(Buffer bytes, boolean binary) {
    if (closing) {
      return false;
    }
    ByteBuf data = ((BufferInternal) bytes).getByteBuf();
    ctx.write(binary ? new BinaryWebSocketFrame(data) : new TextWebSocketFrame(data), ctx.voidPromise());
    return afterWrite();
  }

  /**
   * Writes a whole WebSocket frame built once for many sockets ({@link WireFrames}), as a duplicate: the bytes are
   * shared, not copied. Pre-compressed frames (RSV1) only to sockets with {@link #deflatesWithoutContext}.
   */
  boolean writeFramed(ByteBuf frame) {
    if (closing) {
      return false;
    }
    wire.write(frame.retainedDuplicate(), wire.voidPromise());
    return afterWrite();
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
  long pendingOutboundBytes() {
    ChannelOutboundBuffer pending = ctx.channel().unsafe().outboundBuffer();
    return pending == null ? 0 : pending.totalPendingWriteBytes();
  }

  ByteBufAllocator alloc() {
    return ctx.alloc();
  }

  @Override
  public void flush() {
    flushPending = false;
    wire.flush(); // flushes all the socket has written; handlers between here and ctx buffer nothing
    // The slow-consumer bound counts only what the kernel would not take: frames still waiting for our own
    // (possibly delayed) flush are not the client's fault, and checking at write time cut off fast clients.
    if (!closing && !ctx.channel().isWritable() && pendingOutboundBytes() > maxOutboundBytes) {
      closing = true;
      // Deferred: we may be inside the flush scheduler's loop, and the close changes topic member sets.
      ctx.executor().execute(() -> abort(CloseCodes.SLOW_CONSUMER, "slow consumer"));
    }
  }

  void reply(String joinRef, String ref, String topic, String status, Buffer response) {
    writeOwn(V2JsonCodec.reply(joinRef, ref, topic, status, response));
  }

  /** A frame for this socket alone (reply, phx_close, phx_error); broadcasts are counted in bulk by the caller. */
  private void writeOwn(Buffer frame) {
    if (write(frame, false)) {
      meters.sent(1);
    }
  }

  void replyOk(String joinRef, String ref, String topic) {
    reply(joinRef, ref, topic, Events.STATUS_OK, EMPTY_OBJECT);
  }

  void replyError(String joinRef, String ref, String topic, String reason) {
    reply(joinRef, ref, topic, Events.STATUS_ERROR, Buffer.buffer("{\"reason\":" + V2JsonCodec.quote(reason) + "}"));
  }

  /** A message to this socket only, e.g. {@code [jr, jr, topic, "phx_close", {}]} or a server push with ref null. */
  void send(String joinRef, String ref, String topic, String event, Buffer payload) {
    writeOwn(V2JsonCodec.encode(joinRef, ref, topic, event, payload));
  }

  static final Buffer EMPTY_OBJECT = Buffer.buffer("{}");

  boolean closing() {
    return closing;
  }

  /**
   * The connection is gone (closed by either side): work still in flight for it, such as a join whose route
   * reply comes later, must not attach anything to it.
   */
  void markClosed() {
    closing = true;
  }

  /** Releases what the socket held in node-wide meters; called once, when it is closed. */
  void released() {
    if (readingPaused) {
      readingPaused = false;
      meters.readPaused(false);
    }
    meters.outboundBytesChanged(-sampledOutboundBytes);
    sampledOutboundBytes = 0;
  }

  /** Closes with a code the client will reconnect on (never 1000); pending frames are flushed first. */
  void close(short code, String reason) {
    if (closing) {
      return;
    }
    closing = true;
    meters.serverClosed(code);
    ctx.flush();
    ws.close(code, reason);
  }

  /** Drops the backlog: the close frame is sent if it fits, then the TCP connection is closed at once. */
  void abort(short code, String reason) {
    if (aborted) {
      return;
    }
    aborted = true;
    closing = true;
    meters.serverClosed(code);
    ctx.writeAndFlush(new io.netty.handler.codec.http.websocketx.CloseWebSocketFrame(code, reason));
    // ctx.close(), not channel().close(): the latter passes through Vert.x's handler, which holds the TCP
    // connection open for its 10 s WebSocket closing timeout, backlog and all.
    ctx.close();
  }
}
