package io.switchboard.socket;

import io.switchboard.auth.TokenVerifier;
import io.switchboard.auth.VerifiedToken;
import io.switchboard.broker.Broker;
import io.switchboard.channel.ChannelServices;
import io.switchboard.cluster.ClusterGuard;
import io.switchboard.coalescing.FlushScheduler;
import io.switchboard.config.NodeRole;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.history.HistoryStore;
import io.switchboard.limits.ConnectionLimits;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.presence.LoopPresence;
import io.switchboard.presence.PresenceVerticle;
import io.switchboard.protocol.Addresses;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.WireFormat;
import io.switchboard.routing.ChannelRouter;
import io.switchboard.routing.NodeChannelServices;
import io.switchboard.transport.FrameWriter;
import io.switchboard.transport.WebSocketConnection;
import io.switchboard.transport.WebSocketTransport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Serves Phoenix sockets at {@code /socket/websocket}, and phoenix.js's long-poll transport at
 * {@code /socket/longpoll} ({@link LongPollEndpoint}); both open their sessions through {@link
 * Sessions}. One instance per event loop, all sharing the port; each owns its sessions and their
 * state without locks. Authenticates at the upgrade (403 before it on refusal, 429 past the user's
 * {@code limits.maxConnectionsPerUser}), then hands frames to {@link ChannelProtocol}. The rest of
 * the port's routes come from the node ({@link HttpRoutes}); the node-wide connection limits
 * ({@link ConnectionLimits}) are shared by all instances.
 */
public final class SocketVerticle extends VerticleBase {
  private static final System.Logger log = System.getLogger(SocketVerticle.class.getName());

  /** Where phoenix.js connects for {@code new Socket("/socket")}. */
  public static final String SOCKET_PATH = "/socket/websocket";

  /**
   * Where Supabase realtime-js connects ({@code new RealtimeClient("<base>/realtime/v1")}); served
   * when a {@code channels[]} rule has the kind {@code realtime}.
   */
  public static final String REALTIME_PATH = "/realtime/v1/websocket";

  private static final long CLOSE_GRACE_MS = 3_000;

  private final SwitchboardConfig config;
  private final TokenVerifier verifier;
  private final Broker broker;
  private final HistoryStore history;
  private final SwitchboardMeters meters;
  private final HttpRoutes routes;
  private final PresenceVerticle presenceNode;
  private final ConnectionLimits limits;
  private final ClusterGuard guard;
  private LoopPresence presence;
  private Sessions sessions;
  private LongPollEndpoint longPoll;
  private FlushScheduler flusher;
  private WebSocketTransport transport;
  private ChannelProtocol protocol;
  private TokenLifetime tokens;
  private ChannelServices services;
  private HttpServer server;
  private boolean draining;
  private Promise<Void> drained;

  /** Node-wide services are shared by all instances; everything else is per instance. */
  public SocketVerticle(
      SwitchboardConfig config,
      TokenVerifier verifier,
      Broker broker,
      SwitchboardMeters meters,
      HttpRoutes routes,
      PresenceVerticle presenceNode,
      HistoryStore history,
      ConnectionLimits limits,
      ClusterGuard guard) {
    this.config = config;
    this.guard = guard;
    this.history = history;
    this.verifier = verifier;
    this.broker = broker;
    this.meters = meters;
    this.routes = routes;
    this.presenceNode = presenceNode;
    this.limits = limits;
  }

  /**
   * Instances to deploy: {@code http.socketInstances}, or one per event loop (2 × cores) when 0.
   */
  public static int instances(SwitchboardConfig config) {
    return config.http().socketInstances() > 0
        ? config.http().socketInstances()
        : 2 * Runtime.getRuntime().availableProcessors();
  }

  @Override
  public Future<?> start() {
    flusher = new FlushScheduler(context, config.limits().writeDelayMs());
    transport = new WebSocketTransport(config, meters, flusher, limits);
    Subscriptions subscriptions =
        new Subscriptions(
            context, broker, meters, transport.framer(), config.history().maxReplay());
    services = new NodeChannelServices(broker, vertx.eventBus(), meters);
    presence = presenceNode.forLoop(context, transport.framer());
    ChannelRouter localRouter =
        config.node().runs(NodeRole.ROUTING) ? new ChannelRouter(config, services) : null;
    tokens = new TokenLifetime(verifier, meters);
    protocol =
        new ChannelProtocol(
            config, subscriptions, meters, vertx.eventBus(), localRouter, history, tokens);
    sessions = new Sessions(config, verifier, limits, meters, protocol, services, presence);
    sessions.onEmpty(this::drainedIfIdle);

    longPoll =
        new LongPollEndpoint(
            vertx,
            config,
            sessions,
            meters,
            limits,
            flusher,
            this::unavailable,
            this::drainedIfIdle);

    long idle = config.limits().idleTimeoutMs();
    vertx.setPeriodic(
        Math.max(50, Math.min(1_000, Math.min(idle, config.longPoll().idleTimeoutMs()) / 4)),
        id -> {
          closeIdle(idle);
          longPoll.reapIdle(System.currentTimeMillis());
          if (config.auth().closeOnExpiry()) {
            tokens.closeExpired(sessions.all(), System.currentTimeMillis());
          }
          sampleOutboundBytes();
        });

    guard.onChange(context, this::clusterChanged);
    var routed = routes.handler(vertx, this::upgrade, this::unavailable);
    // Long-poll is this instance's too (its sessions are), like the upgrade; the rest is the
    // node's.
    boolean longPollOn = config.longPoll().enabled();
    io.vertx.core.Handler<HttpServerRequest> requests =
        req -> {
          if (longPollOn && LongPollEndpoint.PATH.equals(req.path())) {
            longPoll.handle(req);
          } else {
            routed.handle(req);
          }
        };
    return Future.all(
        longPollOn ? longPoll.start() : Future.succeededFuture(),
        vertx
            .eventBus()
            .<JsonObject>consumer(
                Addresses.DISCONNECT, msg -> sessions.disconnectUser(msg.body().getString("user")))
            .completion(),
        // The socket path skips vertx-web's Router (see HttpRoutes): it wraps the WebSocket it
        // upgrades, hiding the Netty context that the coalesced writes need.
        transport.createServer(vertx).requestHandler(requests).listen().onSuccess(s -> server = s));
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
    String why = unavailable();
    if (why != null) {
      // Draining, or isolated (its sockets could reach no other node's): try another node.
      sessions.refuse(503, why.toLowerCase(java.util.Locale.ROOT));
      req.response()
          .setStatusCode(503)
          .putHeader("retry-after", Integer.toString(HttpRoutes.UNAVAILABLE_RETRY_AFTER_S))
          .end();
      return;
    }
    boolean realtime = REALTIME_PATH.equals(req.path());
    Handshake.Result check =
        realtime
            ? Handshake.checkRealtime(req, config.http().allowedOrigins())
            : Handshake.check(req, config.http().allowedOrigins());
    if (check.rejected()) {
      if (Handshake.UNSUPPORTED_VSN.equals(check.rejection())) {
        meters.rejected(check.rejection());
        req.response()
            .setStatusCode(Handshake.BAD_VSN_STATUS)
            .putHeader("Content-Type", "text/plain; charset=utf-8")
            .end(Handshake.unsupportedVsnBody(req.getParam("vsn")));
        return;
      }
      sessions.refuse(403, check.rejection());
      req.response().setStatusCode(403).end();
      return;
    }
    req.pause();
    sessions
        .admit(check.token())
        .onFailure(
            err ->
                req.response()
                    .setStatusCode(err instanceof Sessions.Refused r ? r.status : 500)
                    .end())
        .onSuccess(
            token ->
                req.toWebSocket()
                    .onSuccess(ws -> open(ws, token, check.format(), realtime))
                    .onFailure(
                        err -> {
                          sessions.release(token);
                          log.log(System.Logger.Level.DEBUG, "upgrade failed", err);
                        }));
  }

  private void open(ServerWebSocket ws, VerifiedToken token, WireFormat format, boolean realtime) {
    WebSocketConnection c = transport.open(ws, sessions::closed);
    Session s = sessions.open(c, token);
    s.realtimeJs = realtime;
    if (format != null) {
      s.speak(format);
    }
    c.onMessage(message -> protocol.handle(s, message));
  }

  /**
   * Graceful drain when the node stops (SIGTERM): refuse new sockets (503, and /health turns 503
   * for load balancers), then close the open ones with 1012 in batches of {@code
   * node.drainBatchSize} (shared among the instances) every {@code node.drainIntervalMs}, so
   * clients reconnect elsewhere without a thundering herd.
   */
  @Override
  public Future<?> stop() {
    draining = true;
    drained = Promise.promise();
    if (sessions.isEmpty() && longPoll.idle()) {
      drained.complete();
    } else {
      int batch = Math.max(1, config.node().drainBatchSize() / instances(config));
      drainStep(batch);
    }
    return drained.future();
  }

  /**
   * The drain is done once every session is closed, every closed long-poll session has had its last
   * frames polled (or was reaped), and every poll this instance forwarded to another one has its
   * answer (its client's connection closes with this instance); the close grace bounds the wait.
   */
  private void drainedIfIdle() {
    if (drained != null && sessions.isEmpty() && longPoll.idle()) {
      drained.tryComplete();
    }
  }

  /**
   * How long {@link #stop} takes at most for {@code openSockets} sockets, in the worst case that
   * they all sit on one instance: one drain step per batch, each {@code node.drainIntervalMs}
   * apart, then the close grace.
   */
  public static long drainTimeMs(SwitchboardConfig config, long openSockets) {
    long batch = Math.max(1, config.node().drainBatchSize() / instances(config));
    long steps = (openSockets + batch - 1) / batch;
    return steps * config.node().drainIntervalMs() + CLOSE_GRACE_MS;
  }

  private void drainStep(int batch) {
    if (closeBatch(batch, "node restarting")) {
      vertx.setTimer(config.node().drainIntervalMs(), id -> drainStep(batch));
    } else {
      // Every socket has its close frame; give the clients a moment to answer, but never hang the
      // stop.
      vertx.setTimer(CLOSE_GRACE_MS, id -> drained.tryComplete());
    }
  }

  /** Closes up to {@code batch} open sessions with 1012; true if some are still open after. */
  private boolean closeBatch(int batch, String reason) {
    List<FrameWriter> next =
        sessions.writers().stream().filter(c -> !c.closing()).limit(batch).toList();
    next.forEach(c -> c.close(CloseCodes.SERVICE_RESTART, reason));
    return sessions.writers().stream().anyMatch(c -> !c.closing());
  }

  /** Why {@code /health} is 503, or null while the node takes clients. */
  private String unavailable() {
    return draining ? "DRAINING" : guard.serving() ? null : "ISOLATED";
  }

  /**
   * Isolated from the cluster: what this node's sockets publish reaches no other node and what the
   * others publish no longer reaches them. They are closed with 1012, paced as a drain, so that
   * they reconnect to a node that serves (and recovering ones replay what they missed).
   */
  private void clusterChanged(boolean serving) {
    if (!serving && !draining) {
      closeIsolated(Math.max(1, config.node().drainBatchSize() / instances(config)));
    }
  }

  private void closeIsolated(int batch) {
    if (!guard.serving() && !draining && closeBatch(batch, "node isolated from its cluster")) {
      vertx.setTimer(config.node().drainIntervalMs(), id -> closeIsolated(batch));
    }
  }

  /** Keeps the outbound-queue gauge current: one pass over this instance's sockets per sweep. */
  private void sampleOutboundBytes() {
    long delta = 0;
    for (FrameWriter w : sessions.writers()) {
      if (w instanceof WebSocketConnection c) {
        delta += c.sampleOutboundBytes();
      }
    }
    if (delta != 0) {
      meters.outboundBytesChanged(delta);
    }
  }

  private void closeIdle(long idleMillis) {
    long cutoff = System.currentTimeMillis() - idleMillis;
    List<WebSocketConnection> idle =
        sessions.writers().stream()
            .filter(w -> w instanceof WebSocketConnection c && c.lastSeenMillis() < cutoff)
            .map(WebSocketConnection.class::cast)
            .toList();
    idle.forEach(c -> c.close(CloseCodes.GOING_AWAY, "idle timeout"));
  }
}
