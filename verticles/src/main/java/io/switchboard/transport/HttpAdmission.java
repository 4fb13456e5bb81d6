package io.switchboard.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.switchboard.limits.ConnectionLimits;
import io.switchboard.metrics.SwitchboardMeters;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The door of an HTTP/1 connection on the socket port, between Vert.x's HTTP codec and its handler,
 * until the connection becomes a WebSocket: then it steps out of the pipeline, so an open socket
 * keeps nothing of it (no state, no timer). It answers, before any Vert.x handler sees the request:
 *
 * <ul>
 *   <li><b>Read timeouts</b> (slowloris): a connection must send a whole request head within {@code
 *       http.headerTimeoutMs} of opening or of its last response, and a body must arrive whole
 *       within {@code http.bodyTimeoutMs} of its head. Total deadlines, not idle ones: a byte a
 *       second does not extend them. Part of a head or body gets 408; a connection that sent
 *       nothing (or nothing since its last response) is closed without a word, as an idle
 *       keep-alive connection is. A request being answered has no deadline (a long poll, an API
 *       call waiting for the cluster).
 *   <li><b>The node's connection cap</b>: on a connection accepted over it, every request but
 *       {@code GET /health} gets 503 with {@code Retry-After}, and the connection has at most
 *       {@link #OVER_CAP_HEADER_TIMEOUT_MS} to send its request: it lives on the node's reserve.
 *   <li><b>The upgrade rate</b>: a WebSocket upgrade over {@code http.upgradesPerSecond} gets 503
 *       with {@code Retry-After}, before any token is verified.
 * </ul>
 *
 * Every answer given here closes the connection. All state is the connection's, on its event loop.
 */
final class HttpAdmission extends ChannelDuplexHandler {
  private static final System.Logger log = System.getLogger(HttpAdmission.class.getName());

  static final String NAME = "switchboardAdmission";

  /** Vert.x's own handler on an HTTP/1 server pipeline (HttpServerConnectionInitializer). */
  private static final String VERTX_HANDLER = "handler";

  /** A connection over the cap gets this long for its request head at most. */
  static final long OVER_CAP_HEADER_TIMEOUT_MS = 1_000;

  /**
   * {@code Retry-After} ranges (seconds, random within): spread the retries of those that read it.
   */
  static final int RETRY_RATE_MIN = 1;

  static final int RETRY_RATE_MAX = 5;
  static final int RETRY_FULL_MIN = 5;
  static final int RETRY_FULL_MAX = 15;

  private static final AtomicBoolean UNEXPECTED_PIPELINE_LOGGED = new AtomicBoolean();

  private enum Phase {
    /** Waiting for a request head. */
    HEAD,
    /** Reading a request body. */
    BODY
  }

  private final ConnectionLimits limits;
  private final SwitchboardMeters meters;
  private final boolean admitted;
  private ScheduledFuture<?> timer;
  private Phase phase;

  /** Requests passed on whose response has not ended (more than one only when pipelined). */
  private int unanswered;

  private boolean readingBody;

  /** A final response has begun and not ended. */
  private boolean answering;

  /** Bytes arrived since the last request (or since opening) without making a whole head. */
  private boolean headStarted;

  private boolean decodedThisRead;

  /** Answered here: everything else the client sends is dropped until the close. */
  private boolean done;

  private HttpAdmission(ConnectionLimits limits, SwitchboardMeters meters, boolean admitted) {
    this.limits = limits;
    this.meters = meters;
    this.admitted = admitted;
  }

  /**
   * On a new connection, before its first request is read: counts it against the node's cap (and
   * uncounts it when it closes, through {@code countClose}) and puts the door in front of Vert.x.
   */
  static void install(
      HttpConnection connection,
      ConnectionLimits limits,
      SwitchboardMeters meters,
      ChannelFutureListener countClose) {
    if (!(connection instanceof ConnectionBase base)) {
      return;
    }
    ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
    boolean admitted = limits.cap().opened();
    pipeline.channel().closeFuture().addListener(countClose);
    if (pipeline.get(VERTX_HANDLER) == null) {
      if (UNEXPECTED_PIPELINE_LOGGED.compareAndSet(false, true)) {
        log.log(
            System.Logger.Level.WARNING,
            "Vert.x's HTTP pipeline changed (no '"
                + VERTX_HANDLER
                + "' handler): no read timeouts, connection cap or upgrade rate on the socket port: "
                + pipeline.names());
      }
      return;
    }
    pipeline.addBefore(VERTX_HANDLER, NAME, new HttpAdmission(limits, meters, admitted));
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    awaitHead(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelTimer();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (done) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!(msg instanceof HttpObject)) {
      // Not HTTP/1 (h2c is off on this port, so not expected): step aside rather than guess.
      ctx.pipeline().remove(this);
      ctx.fireChannelRead(msg);
      return;
    }
    decodedThisRead = true;
    if (msg instanceof HttpRequest request) {
      cancelTimer();
      headStarted = false;
      if (refused(ctx, request)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      unanswered++;
      readingBody = !(msg instanceof LastHttpContent);
      if (readingBody) {
        arm(ctx, Phase.BODY, limits.bodyTimeoutMs());
      }
    } else if (msg instanceof LastHttpContent && readingBody) {
      readingBody = false;
      cancelTimer();
      if (unanswered == 0) {
        awaitHead(ctx); // answered before its body was in (401, 413): the next request's turn
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!decodedThisRead && phase == Phase.HEAD) {
      headStarted = true;
    }
    decodedThisRead = false;
    ctx.fireChannelReadComplete();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse response) {
      int status = response.status().code();
      if (status == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
        // The WebSocket upgrade: from here on the connection is a socket, with its own idle
        // timeout (limits.idleTimeoutMs) and nothing of ours.
        ctx.write(msg, promise);
        ctx.pipeline().remove(this);
        return;
      }
      if (status >= 200) { // not 100 Continue: the request goes on
        answering = true;
      }
    }
    if (answering && msg instanceof LastHttpContent) {
      answering = false;
      if (unanswered > 0) {
        unanswered--;
      }
      if (unanswered == 0 && !readingBody && !done) {
        awaitHead(ctx);
      }
    }
    ctx.write(msg, promise);
  }

  /** Refuses the request here (and says so) when the node is full or upgrades come too fast. */
  private boolean refused(ChannelHandlerContext ctx, HttpRequest request) {
    boolean upgrade =
        HttpHeaderValues.WEBSOCKET.contentEqualsIgnoreCase(
            request.headers().get(HttpHeaderNames.UPGRADE, ""));
    if (!admitted && !isHealth(request)) {
      if (upgrade) {
        meters.rejected(SwitchboardMeters.NODE_FULL);
      } else {
        meters.httpRefused(SwitchboardMeters.NODE_FULL);
      }
      answer(
          ctx,
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          SwitchboardMeters.NODE_FULL,
          "this node holds its maximum of connections (http.maxConnections); retry later or elsewhere",
          retryAfter(RETRY_FULL_MIN, RETRY_FULL_MAX));
      return true;
    }
    if (upgrade) {
      long waitNanos = limits.upgrades().tryAcquire(System.nanoTime());
      if (waitNanos > 0) {
        meters.rejected(SwitchboardMeters.RATE_LIMITED);
        long atLeast = Math.max(RETRY_RATE_MIN, TimeUnit.NANOSECONDS.toSeconds(waitNanos) + 1);
        answer(
            ctx,
            HttpResponseStatus.SERVICE_UNAVAILABLE,
            SwitchboardMeters.RATE_LIMITED,
            "too many new connections on this node (http.upgradesPerSecond); retry later",
            retryAfter((int) Math.min(atLeast, RETRY_RATE_MAX), RETRY_RATE_MAX));
        return true;
      }
    }
    return false;
  }

  private static boolean isHealth(HttpRequest request) {
    if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
      return false;
    }
    String uri = request.uri();
    int end = uri.indexOf('?');
    return (end < 0 ? uri : uri.substring(0, end)).equals("/health");
  }

  private static int retryAfter(int min, int max) {
    return ThreadLocalRandom.current().nextInt(min, max + 1);
  }

  private void awaitHead(ChannelHandlerContext ctx) {
    long ms = limits.headerTimeoutMs();
    arm(ctx, Phase.HEAD, admitted ? ms : Math.min(ms, OVER_CAP_HEADER_TIMEOUT_MS));
  }

  private void arm(ChannelHandlerContext ctx, Phase next, long ms) {
    cancelTimer();
    phase = next;
    timer = ctx.executor().schedule(() -> timedOut(ctx), ms, TimeUnit.MILLISECONDS);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    phase = null;
  }

  private void timedOut(ChannelHandlerContext ctx) {
    Phase was = phase;
    timer = null;
    phase = null;
    if (done || was == null) {
      return;
    }
    if (was == Phase.BODY) {
      meters.httpTimeout("body");
      answer(
          ctx,
          HttpResponseStatus.REQUEST_TIMEOUT,
          "request_timeout",
          "request body not received within " + limits.bodyTimeoutMs() + " ms",
          0);
    } else if (headStarted) {
      meters.httpTimeout("head");
      answer(
          ctx,
          HttpResponseStatus.REQUEST_TIMEOUT,
          "request_timeout",
          "request head not received within " + limits.headerTimeoutMs() + " ms",
          0);
    } else {
      meters.httpTimeout("idle");
      abandon(ctx);
    }
  }

  /**
   * Answers and closes; closes without a word when another response is under way on this connection
   * (an early one to the request whose body is late, or a pipelined request's): one cannot be put
   * before it.
   */
  private void answer(
      ChannelHandlerContext ctx,
      HttpResponseStatus status,
      String code,
      String message,
      int retryAfterSeconds) {
    // The request being read, if any, is the only one that may be unanswered.
    if (answering || unanswered != (readingBody ? 1 : 0)) {
      abandon(ctx);
      return;
    }
    done = true;
    cancelTimer();
    byte[] body =
        ("{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body), false, false);
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (retryAfterSeconds > 0) {
      response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
    }
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private void abandon(ChannelHandlerContext ctx) {
    done = true;
    cancelTimer();
    ctx.close();
  }
}
