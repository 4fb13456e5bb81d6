package io.switchboard.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.switchboard.coalescing.FlushScheduler;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.limits.ConnectionLimits;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.protocol.CloseCodes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import java.util.List;
import java.util.function.Consumer;

/**
 * Phoenix sockets over Vert.x WebSockets: the HTTP server's WebSocket options, permessage-deflate
 * without context ({@link NoContextDeflate}), and turning an upgraded {@link ServerWebSocket} into
 * a {@link WebSocketConnection} (trimmed of what Vert.x keeps and never uses, {@link VertxTrim}).
 * Every connection of the port first passes {@link HttpAdmission} (read timeouts, the node's
 * connection cap, the upgrade rate). One per socket verticle instance.
 */
public final class WebSocketTransport {
  /** The subprotocol phoenix.js's {@code authToken} asks for; selected when offered. */
  public static final String SUBPROTOCOL = "phoenix";

  private static final System.Logger log = System.getLogger(WebSocketTransport.class.getName());

  private final SwitchboardConfig config;
  private final SwitchboardMeters meters;
  private final FlushScheduler flusher;
  private final BroadcastFramer framer;
  private final ConnectionLimits limits;

  /** One per instance, shared by its connections: no listener object per connection. */
  private final ChannelFutureListener countClose;

  public WebSocketTransport(
      SwitchboardConfig config,
      SwitchboardMeters meters,
      FlushScheduler flusher,
      ConnectionLimits limits) {
    this.config = config;
    this.meters = meters;
    this.flusher = flusher;
    this.limits = limits;
    this.countClose = closed -> limits.cap().closed();
    SwitchboardConfig.Compression deflate = config.compression();
    // permessage-deflate with no context on our side: broadcasts are then compressed once, not per
    // socket.
    this.framer =
        new BroadcastFramer(
            deflate.permessageDeflate() && deflate.noContextTakeover() ? deflate.level() : 0);
  }

  /** Prepares broadcasts for this instance's sockets. */
  public BroadcastFramer framer() {
    return framer;
  }

  /**
   * Every socket verticle instance listens on the configured port and Vert.x spreads the accepted
   * connections over them. Port 0 would bind each instance a random port of its own, only the first
   * of which is announced, so one instance would take every connection; a negative port is Vert.x's
   * "any free port, shared by every server asking for this same value".
   */
  static int sharedPort(int configured) {
    return configured == 0 ? -1 : configured;
  }

  /**
   * An HTTP server for sockets (and anything else routed on the same port), with our WebSocket
   * settings.
   */
  public HttpServer createServer(Vertx vertx) {
    int maxMessage = config.limits().maxMessageBytes();
    SwitchboardConfig.Compression deflate = config.compression();
    HttpServer http =
        vertx.createHttpServer(
            new HttpServerOptions()
                .setHost(config.http().host())
                .setPort(sharedPort(config.http().port()))
                .setMaxWebSocketMessageSize(maxMessage)
                .setMaxWebSocketFrameSize(maxMessage)
                .setWebSocketSubProtocols(List.of(SUBPROTOCOL))
                .setPerFrameWebSocketCompressionSupported(false)
                .setPerMessageWebSocketCompressionSupported(deflate.permessageDeflate())
                .setWebSocketCompressionLevel(deflate.level())
                // Used only with compression.noContextTakeover off (else NoContextDeflate answers):
                // grant what clients ask.
                .setWebSocketAllowServerNoContext(true)
                .setWebSocketPreferredClientNoContext(true)
                // HTTP/1 only: browsers never speak h2c, and the read timeouts and the connection
                // cap's answers are HTTP/1's (HttpAdmission).
                .setHttp2ClearTextEnabled(false));
    boolean sharedDeflate = deflate.permessageDeflate() && deflate.noContextTakeover();
    http.connectionHandler(
        conn -> {
          HttpAdmission.install(conn, limits, meters, countClose);
          if (sharedDeflate) {
            NoContextDeflate.install(conn, deflate.level(), deflate.clientNoContextTakeover());
          }
        });
    return http;
  }

  /**
   * The upgraded socket as a connection, on its event loop, before anything is written to it.
   * {@code onClose} runs once when it is closed by either side, after the connection has marked
   * itself closed.
   */
  public WebSocketConnection open(ServerWebSocket ws, Consumer<WebSocketConnection> onClose) {
    boolean sharedDeflate =
        framer.deflatesBroadcasts()
            && NoContextDeflate.negotiated(
                ((WebSocketInternal) ws).channelHandlerContext().pipeline());
    Utf8Validation.install(((WebSocketInternal) ws).channelHandlerContext());
    ReservedBits.install(((WebSocketInternal) ws).channelHandlerContext());
    VertxTrim.trim(ws);
    WebSocketConnection c =
        new WebSocketConnection(
            ws,
            flusher,
            meters,
            config.limits().maxOutboundBytes(),
            config.limits().maxInflightPerSocket());
    c.deflatesWithoutContext = sharedDeflate;
    ws.textMessageHandler(c::receive);
    ws.binaryMessageHandler(c::receive);
    ws.exceptionHandler(
        err -> {
          if (err instanceof CorruptedWebSocketFrameException corrupt) {
            // Netty's decoder names the RFC's code: 1009 for a frame over the size limit, 1002 for
            // a protocol violation (unmasked, reserved bits or opcode, bad control frame), 1007
            // for invalid UTF-8. It drops the connection without a close frame; we send one.
            c.abort((short) corrupt.closeStatus().code(), corrupt.closeStatus().reasonText());
          } else if (err instanceof DecompressionException) {
            // A permessage-deflate frame whose data does not inflate (found by FuzzTest): Vert.x
            // dropped the connection without a close frame.
            c.abort(CloseCodes.INVALID_FRAME, "invalid compressed data");
          } else if (err instanceof IllegalStateException) {
            // Over maxWebSocketMessageSize: Vert.x keeps the socket open.
            c.abort(CloseCodes.MESSAGE_TOO_BIG, "message too big");
          } else {
            log.log(System.Logger.Level.DEBUG, "socket error", err);
          }
        });
    boolean[] ended = {false};
    Runnable end =
        () -> {
          if (!ended[0]) {
            ended[0] = true;
            c.closed();
            onClose.accept(c);
          }
        };
    ws.closeHandler(v -> end.run());
    // Vert.x's close handler depends on channelInactive reaching Vert.x's handler, and a handler
    // before it can stop it: Netty's permessage-deflate decoder, after a frame that does not
    // inflate, throws again from its own channelInactive (found by FuzzTest: such sockets were
    // never released, their user's count stayed up until 429). The channel's own close completes
    // regardless; whichever comes first ends the socket, once.
    io.vertx.core.Context context = Vertx.currentContext(); // the socket's, in its upgrade handler
    ((WebSocketInternal) ws)
        .channelHandlerContext()
        .channel()
        .closeFuture()
        .addListener(
            f -> {
              if (context != null) {
                context.runOnContext(v -> end.run());
              } else {
                end.run();
              }
            });
    return c;
  }
}
