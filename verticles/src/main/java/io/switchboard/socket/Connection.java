package io.switchboard.socket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
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
final class Connection {
  final ServerWebSocket ws;
  final Principal user;
  /** topic → join_ref of the current join. */
  final Map<String, String> joined = new HashMap<>();
  long lastSeenMillis;

  private final ChannelHandlerContext ctx;
  private final FlushScheduler flusher;
  private final SwitchboardMeters meters;
  private final long maxOutboundBytes;
  private final int maxInflight;
  private final ArrayDeque<Inbound> inbound = new ArrayDeque<>();
  private Function<Inbound, Future<Void>> handler;
  private boolean busy;
  private boolean paused;
  private boolean flushPending;
  private boolean closing;

  /** A received message (String for text, Buffer for binary) and when it arrived. */
  record Inbound(Object data, long receivedNanos) {
  }

  Connection(ServerWebSocket ws, Principal user, FlushScheduler flusher, SwitchboardMeters meters,
             long maxOutboundBytes, int maxInflight) {
    this.ws = ws;
    this.meters = meters;
    this.user = user;
    this.ctx = ((WebSocketInternal) ws).channelHandlerContext();
    this.flusher = flusher;
    this.maxOutboundBytes = maxOutboundBytes;
    this.maxInflight = maxInflight;
    this.lastSeenMillis = System.currentTimeMillis();
  }

  void onMessage(Function<Inbound, Future<Void>> handler) {
    this.handler = handler;
  }

  // ---- inbound ----

  void receive(Object data) {
    lastSeenMillis = System.currentTimeMillis();
    inbound.add(new Inbound(data, System.nanoTime()));
    if (inbound.size() >= maxInflight && !paused) {
      paused = true;
      ws.pause();
    }
    drain();
  }

  private void drain() {
    while (!busy && !closing) {
      Inbound next = inbound.poll();
      if (next == null) {
        break;
      }
      Future<Void> done = handler.apply(next);
      if (!done.isComplete()) {
        busy = true;
        done.onComplete(ar -> {
          busy = false;
          drain();
        });
      }
    }
    if (paused && inbound.size() <= maxInflight / 2) {
      paused = false;
      ws.resume();
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
    if (!flushPending) {
      flushPending = true;
      flusher.markDirty(this);
    }
    Channel ch = ctx.channel();
    if (!ch.isWritable()) {
      ChannelOutboundBuffer pending = ch.unsafe().outboundBuffer();
      if (pending != null && pending.totalPendingWriteBytes() > maxOutboundBytes) {
        // Defer: the caller may be iterating a subscriber set that the close will change.
        ws.exceptionHandler(null);
        closing = true;
        ctx.executor().execute(() -> abort(CloseCodes.SLOW_CONSUMER, "slow consumer"));
      }
    }
    return true;
  }

  void flush() {
    flushPending = false;
    ctx.flush();
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
    closing = true;
    meters.serverClosed(code);
    ctx.writeAndFlush(new io.netty.handler.codec.http.websocketx.CloseWebSocketFrame(code, reason));
    ctx.channel().close();
  }
}
