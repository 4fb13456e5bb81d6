package io.switchboard.socket;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.switchboard.api.HttpApi;
import io.switchboard.api.SubscriberCounts;
import io.switchboard.auth.Principal;
import io.switchboard.bridge.BridgeFanout;
import io.switchboard.bridge.EventBusBridge;
import io.switchboard.auth.TokenVerifier;
import io.switchboard.broker.Broker;
import io.switchboard.coalescing.FlushScheduler;
import io.switchboard.config.NodeRole;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.routing.ChannelRouter;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.protocol.Addresses;
import io.switchboard.protocol.CloseCodes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Serves Phoenix sockets at {@code /socket/websocket}. One instance per event loop, all sharing the port; each
 * owns its connections and their state without locks. Authenticates at the upgrade (403 before it on refusal),
 * then hands frames to {@link ChannelProtocol}.
 */
public final class SocketVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(SocketVerticle.class);
  /** Where phoenix.js connects for {@code new Socket("/socket")}. */
  public static final String SOCKET_PATH = "/socket/websocket";
  private static final long CLOSE_GRACE_MS = 3_000;

  private final SwitchboardConfig config;
  private final TokenVerifier verifier;
  private final Broker broker;
  private final SwitchboardMeters meters;
  private final Set<Connection> connections = new HashSet<>();
  private final Map<String, Set<Connection>> byUser = new HashMap<>();
  private FlushScheduler flusher;
  private Subscriptions subscriptions;
  private ChannelProtocol protocol;
  private HttpServer server;
  private boolean draining;
  private Promise<Void> drained;

  private final SubscriberCounts counts;
  private final BridgeFanout bridgeFanout;

  /** Node-wide services are shared by all instances; everything else is per instance. */
  public SocketVerticle(SwitchboardConfig config, TokenVerifier verifier, Broker broker, SwitchboardMeters meters,
                        SubscriberCounts counts, BridgeFanout bridgeFanout) {
    this.config = config;
    this.verifier = verifier;
    this.broker = broker;
    this.meters = meters;
    this.counts = counts;
    this.bridgeFanout = bridgeFanout;
  }

  /** Instances to deploy: {@code http.socketInstances}, or one per event loop (2 × cores) when 0. */
  public static int instances(SwitchboardConfig config) {
    return config.http().socketInstances() > 0
        ? config.http().socketInstances()
        : 2 * Runtime.getRuntime().availableProcessors();
  }

  private static HttpServerOptions serverOptions(SwitchboardConfig config) {
    int maxMessage = config.limits().maxMessageBytes();
    SwitchboardConfig.Compression deflate = config.compression();
    return new HttpServerOptions()
        .setHost(config.http().host())
        .setPort(config.http().port())
        .setMaxWebSocketMessageSize(maxMessage)
        .setMaxWebSocketFrameSize(maxMessage)
        .setWebSocketSubProtocols(List.of(Handshake.SUBPROTOCOL))
        .setPerFrameWebSocketCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(deflate.permessageDeflate())
        .setWebSocketCompressionLevel(deflate.level())
        // Used only with compression.noContextTakeover off (else NoContextDeflate answers): grant what clients ask.
        .setWebSocketAllowServerNoContext(true)
        .setWebSocketPreferredClientNoContext(true);
  }

  private HttpServer httpServer() {
    HttpServer http = vertx.createHttpServer(serverOptions(config));
    SwitchboardConfig.Compression deflate = config.compression();
    if (deflate.permessageDeflate() && deflate.noContextTakeover()) {
      http.connectionHandler(conn -> NoContextDeflate.install(conn, deflate.level(), deflate.clientNoContextTakeover()));
    }
    return http;
  }

  @Override
  public Future<?> start() {
    flusher = new FlushScheduler(context, config.limits().writeDelayMs());
    // permessage-deflate with no context on our side: broadcasts are then compressed once, not per socket.
    SwitchboardConfig.Compression deflate = config.compression();
    subscriptions = new Subscriptions(context, broker, meters, counts,
        deflate.permessageDeflate() && deflate.noContextTakeover() ? new SharedDeflater(deflate.level()) : null);
    ChannelRouter localRouter = config.node().runs(NodeRole.ROUTING)
        ? new ChannelRouter(config, broker, vertx.eventBus(), meters) : null;
    protocol = new ChannelProtocol(config, subscriptions, meters, vertx.eventBus(), localRouter);

    Router router = Router.router(vertx);
    new HttpApi(vertx, config.api(), counts).mount(router);
    if (config.bridge().enabled()) {
      new EventBusBridge(vertx, config, verifier, bridgeFanout).mount(router);
    }
    // The demo chat and the phoenix.js it uses, served from the jar (nothing from a CDN).
    router.get("/").handler(ctx -> ctx.redirect("/demo/"));
    router.get("/demo/*").handler(StaticHandler.create("webroot/demo"));
    router.get("/vendor/*").handler(StaticHandler.create("webroot/vendor"));
    router.get("/health").handler(ctx -> ctx.response().setStatusCode(draining ? 503 : 200)
        .putHeader("content-type", "application/json")
        .end(draining ? "{\"status\":\"DRAINING\"}" : "{\"status\":\"UP\"}"));

    long idle = config.limits().idleTimeoutMs();
    vertx.setPeriodic(Math.max(50, Math.min(1_000, idle / 4)), id -> {
      closeIdle(idle);
      sampleOutboundBytes();
    });

    return Future.all(
        vertx.eventBus().<JsonObject>consumer(Addresses.DISCONNECT, msg -> disconnectUser(msg.body().getString("user")))
            .completion(),
        httpServer().requestHandler(req -> {
          // The socket path skips the Router: vertx-web wraps the WebSocket it upgrades, hiding the Netty
          // context that the coalesced writes need.
          if (SOCKET_PATH.equals(req.path())) {
            upgrade(req);
          } else {
            router.handle(req);
          }
        }).listen().onSuccess(s -> server = s));
  }

  /** How long this verticle's sockets wait to share a flush ({@code limits.writeDelayMs}). */
  long writeDelayMillis() {
    return flusher.delayMillis();
  }

  /** The bound port (differs from config when it asked for 0). */
  public int port() {
    return server.actualPort();
  }

  private void upgrade(HttpServerRequest req) {
    if (draining) {
      meters.rejected("draining");
      req.response().setStatusCode(503).end();
      return;
    }
    Handshake.Result check = Handshake.check(req, config.http().allowedOrigins());
    if (check.rejected()) {
      refuse(req, check.rejection());
      return;
    }
    req.pause();
    verifier.verify(check.token()).onComplete(ar -> {
      if (ar.failed()) {
        refuse(req, "token");
        return;
      }
      req.toWebSocket().onSuccess(ws -> open(ws, ar.result())).onFailure(err -> log.debug("upgrade failed", err));
    });
  }

  private void refuse(HttpServerRequest req, String reason) {
    meters.rejected(reason);
    req.response().setStatusCode(403).end();
  }

  private void open(ServerWebSocket ws, Principal user) {
    boolean sharedDeflate = subscriptions.deflatesBroadcasts()
        && NoContextDeflate.negotiated(((io.vertx.core.internal.http.WebSocketInternal) ws).channelHandlerContext()
            .pipeline());
    VertxTrim.trim(ws);
    Connection c = new Connection(ws, user, flusher, meters,
        config.limits().maxOutboundBytes(), config.limits().maxInflightPerSocket());
    c.deflatesWithoutContext = sharedDeflate;
    connections.add(c);
    byUser.computeIfAbsent(user.userId(), u -> new HashSet<>()).add(c);
    meters.connectionOpened();
    c.rate = new TokenBucket(config.rateLimit().messagesPerSecond(), config.rateLimit().burst(), System.nanoTime());
    c.onMessage(message -> protocol.handle(c, message));
    ws.textMessageHandler(c::receive);
    ws.binaryMessageHandler(c::receive);
    ws.exceptionHandler(err -> {
      if (err instanceof IllegalStateException || err instanceof CorruptedWebSocketFrameException) {
        // Over maxWebSocketMessageSize (Vert.x keeps the socket open) or over the frame size (Netty's decoder
        // drops the connection without a close frame): either way the client gets 1009.
        c.abort(CloseCodes.MESSAGE_TOO_BIG, "message too big");
      } else {
        log.debug("socket error", err);
      }
    });
    ws.closeHandler(v -> closed(c));
  }

  private void closed(Connection c) {
    if (!connections.remove(c)) {
      return;
    }
    c.markClosed();
    if (drained != null && connections.isEmpty()) {
      drained.tryComplete();
    }
    meters.connectionClosed();
    c.released();
    c.joined.forEach((topic, channel) -> {
      subscriptions.remove(topic, c);
      protocol.release(c, topic, channel);
    });
    c.joined.clear();
    Set<Connection> mine = byUser.get(c.user.userId());
    if (mine != null && mine.remove(c) && mine.isEmpty()) {
      byUser.remove(c.user.userId());
    }
  }

  /**
   * Graceful drain when the node stops (SIGTERM): refuse new sockets (503, and /health turns 503 for load
   * balancers), then close the open ones with 1012 in batches of {@code node.drainBatchSize} (shared among the
   * instances) every {@code node.drainIntervalMs}, so clients reconnect elsewhere without a thundering herd.
   */
  @Override
  public Future<?> stop() {
    draining = true;
    drained = Promise.promise();
    if (connections.isEmpty()) {
      drained.complete();
    } else {
      int batch = Math.max(1, config.node().drainBatchSize() / instances(config));
      drainStep(batch);
    }
    return drained.future();
  }

  /**
   * How long {@link #stop} takes at most for {@code openSockets} sockets, in the worst case that they all sit on one
   * instance: one drain step per batch, each {@code node.drainIntervalMs} apart, then the close grace.
   */
  public static long drainTimeMs(SwitchboardConfig config, long openSockets) {
    long batch = Math.max(1, config.node().drainBatchSize() / instances(config));
    long steps = (openSockets + batch - 1) / batch;
    return steps * config.node().drainIntervalMs() + CLOSE_GRACE_MS;
  }

  private void drainStep(int batch) {
    List<Connection> next = connections.stream().filter(c -> !c.closing()).limit(batch).toList();
    next.forEach(c -> c.close(CloseCodes.SERVICE_RESTART, "node restarting"));
    if (connections.stream().anyMatch(c -> !c.closing())) {
      vertx.setTimer(config.node().drainIntervalMs(), id -> drainStep(batch));
    } else {
      // Every socket has its close frame; give the clients a moment to answer, but never hang the stop.
      vertx.setTimer(CLOSE_GRACE_MS, id -> drained.tryComplete());
    }
  }

  private void disconnectUser(String userId) {
    Set<Connection> mine = byUser.get(userId);
    if (mine != null) {
      for (Connection c : List.copyOf(mine)) {
        c.close(CloseCodes.GOING_AWAY, "disconnected");
      }
    }
  }

  /** Keeps the outbound-queue gauge current: one pass over this instance's sockets per sweep. */
  private void sampleOutboundBytes() {
    long delta = 0;
    for (Connection c : connections) {
      long now = c.pendingOutboundBytes();
      delta += now - c.sampledOutboundBytes;
      c.sampledOutboundBytes = now;
    }
    if (delta != 0) {
      meters.outboundBytesChanged(delta);
    }
  }

  private void closeIdle(long idleMillis) {
    long cutoff = System.currentTimeMillis() - idleMillis;
    List<Connection> idle = connections.stream().filter(c -> c.lastSeenMillis < cutoff).toList();
    idle.forEach(c -> c.close(CloseCodes.GOING_AWAY, "idle timeout"));
  }
}
