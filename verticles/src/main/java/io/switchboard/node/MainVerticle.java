package io.switchboard.node;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.api.SubscriberCounts;
import io.switchboard.auth.TokenVerifier;
import io.switchboard.batching.BatchingVerticle;
import io.switchboard.bridge.BridgeFanout;
import io.switchboard.bridge.EventBusBridge;
import io.switchboard.broker.Broker;
import io.switchboard.broker.BrokerHistory;
import io.switchboard.broker.ClusterLink;
import io.switchboard.broker.EventBusClusterLink;
import io.switchboard.broker.GuardedBroker;
import io.switchboard.broker.LocalBroker;
import io.switchboard.cluster.ClusterGuard;
import io.switchboard.config.ChannelRule;
import io.switchboard.config.ConfigException;
import io.switchboard.config.NodeRole;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.history.HistoryStore;
import io.switchboard.history.NodeHistory;
import io.switchboard.idempotency.NodeIdempotency;
import io.switchboard.limits.ConnectionLimits;
import io.switchboard.metrics.MetricsVerticle;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.presence.PresenceVerticle;
import io.switchboard.routing.RoomRoutingVerticle;
import io.switchboard.socket.SocketVerticle;
import io.switchboard.transport.NetworkTransport;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts a node: reads and validates the config, builds the node-wide pieces (token verifier,
 * broker, meters) and deploys the verticles its roles call for. Fails its deployment (and so the
 * start) if any of them fails: a port in use, a bad key, a bad config key.
 */
public final class MainVerticle extends VerticleBase {
  private static final System.Logger log = System.getLogger(MainVerticle.class.getName());
  static final String DEV_USER = "dev-user";

  private final PrometheusMeterRegistry registry;
  private final Map<String, String> deployments = new ConcurrentHashMap<>();
  private SwitchboardConfig config;
  private final AtomicReference<SocketVerticle> firstSocket = new AtomicReference<>();
  private MetricsVerticle metricsVerticle;
  private SwitchboardMeters meters;
  private String devToken;
  private SubscriberCounts counts;
  private ConnectionLimits limits;
  private volatile ClusterGuard guard = ClusterGuard.SINGLE_NODE;

  /** Used by the launcher when metrics were not set up by {@link SwitchboardHooks}. */
  public MainVerticle() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  public MainVerticle(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    String secret;
    try {
      config = ConfigLoader.load(config(), System.getenv());
      secret = signingSecret(config.auth());
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    meters = new SwitchboardMeters(registry);
    long idempotencyWindow = config.history().idempotencyWindowSeconds();
    HistoryStore history = NodeHistory.open(vertx, idempotencyWindow);
    guard =
        ClusterGuard.watch(
            vertx,
            config.node().isolationAcceptAfterMs(),
            meters.watchClusterServing(() -> guard.serving()));
    Broker broker =
        new GuardedBroker(
            new LocalBroker(
                vertx.isClustered()
                    ? new EventBusClusterLink(vertx.eventBus(), meters)
                    : ClusterLink.NONE,
                new BrokerHistory(
                    history,
                    topic ->
                        config
                            .ruleFor(topic)
                            .map(rule -> rule.options().history())
                            .orElse(ChannelRule.History.OFF),
                    vertx,
                    config.history().gapFillMs()),
                NodeIdempotency.open(vertx, idempotencyWindow),
                meters),
            guard);
    meters.watchTopics(broker::topicCount);

    List<Future<String>> started = new ArrayList<>();
    if (config.node().runs(NodeRole.METRICS) && config.metrics().enabled()) {
      metricsVerticle = new MetricsVerticle(config.metrics(), registry, meters);
      started.add(deploy("metrics", vertx.deployVerticle(metricsVerticle)));
    }
    if (config.node().runs(NodeRole.ROUTING)) {
      // Co-located with sockets: routing stays node-local. Core-only: edges reach it over the
      // cluster.
      boolean clusterWide = !config.node().runs(NodeRole.SOCKETS);
      started.add(
          deploy(
              "routing",
              vertx.deployVerticle(new RoomRoutingVerticle(config, broker, clusterWide, meters))));
    }
    if (config.node().runs(NodeRole.BATCHING)) {
      started.add(
          deploy("batching", vertx.deployVerticle(new BatchingVerticle(config, broker, meters))));
    }
    TokenVerifier verifier = TokenVerifier.create(vertx, config.auth(), secret);
    int instances = SocketVerticle.instances(config);
    if (config.node().runs(NodeRole.SOCKETS)) {
      counts = new SubscriberCounts(vertx, broker);
      started.add(counts.serve().map("counts"));
      if (config.bridge().enabled()) {
        started.add(EventBusBridge.servePushes(vertx).map("bridge"));
      }
      NodeRoutes routes =
          new NodeRoutes(
              config,
              verifier,
              counts,
              new BridgeFanout(broker, vertx.eventBus()),
              history,
              meters);
      limits = ConnectionLimits.create(config);
      meters.watchHttpConnections(limits.cap()::open);
      // Presence first: a socket's first join must already see the cluster's presences.
      PresenceVerticle presence = new PresenceVerticle(config.presence(), meters);
      started.add(
          deploy("presence", vertx.deployVerticle(presence))
              .compose(
                  p ->
                      deploy(
                          "sockets",
                          vertx.deployVerticle(
                              () -> {
                                SocketVerticle v =
                                    new SocketVerticle(
                                        config, verifier, broker, meters, routes, presence, history,
                                        limits, guard);
                                firstSocket.compareAndSet(null, v);
                                return v;
                              },
                              new DeploymentOptions().setInstances(instances)))));
    }
    return Future.all(started).onSuccess(v -> announce(verifier, instances));
  }

  /** The configured HS256 secret, a random one in dev mode, or null for public-key algorithms. */
  private static String signingSecret(SwitchboardConfig.Auth auth) {
    if (auth.hasKey()) {
      return auth.secret().orElse(null);
    }
    if (!auth.dev()) {
      throw new ConfigException(
          "auth.secret",
          "no JWT key configured: set SWITCHBOARD_JWT_SECRET (HS256, 32+ bytes) or SWITCHBOARD_JWT_PUBLIC_KEY "
              + "(RS256/ES256 PEM), or start with SWITCHBOARD_DEV=true for a throw-away development key");
    }
    if (!auth.algorithm().equals("HS256")) {
      throw new ConfigException("auth.algorithm", "dev mode signs with HS256");
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return Base64.getEncoder().encodeToString(random);
  }

  private Future<String> deploy(String role, Future<String> deployment) {
    return deployment.onSuccess(id -> deployments.put(role, id));
  }

  private void announce(TokenVerifier verifier, int instances) {
    if (config.auth().dev() && !config.auth().hasKey() && firstSocket.get() != null) {
      devToken = verifier.issue(DEV_USER, List.of(), 24 * 3600);
      log.log(
          System.Logger.Level.WARNING,
          "DEVELOPMENT MODE: a random JWT key was made for this run; tokens die with the process. Token for '"
              + DEV_USER
              + "' (24 h):\n"
              + devToken
              + "\nTry: ws://localhost:"
              + port()
              + "/socket/websocket?token="
              + devToken
              + "&vsn=2.0.0");
    }
    StringBuilder line =
        new StringBuilder("Switchboard started: roles ")
            .append(config.node().roles())
            .append(", transport ")
            .append(NetworkTransport.inUse(vertx));
    if (firstSocket.get() != null) {
      line.append(", sockets on ")
          .append(config.http().host())
          .append(':')
          .append(port())
          .append(" (")
          .append(instances)
          .append(" socket verticle instances, at most ")
          .append(limits.cap().max())
          .append(" connections)");
    }
    if (metricsVerticle != null) {
      line.append(", metrics on ")
          .append(config.metrics().host())
          .append(':')
          .append(metricsPort());
    }
    line.append(vertx.isClustered() ? ", clustered" : ", single node");
    log.log(System.Logger.Level.INFO, line.toString());
  }

  /**
   * Drains this node's sockets and waits for them to be gone; call it, off any Vert.x thread,
   * before {@code vertx.close()} (the launcher hooks and TestNode both do). Why: close() undeploys
   * this verticle's children in parallel, so routing and batching would stop at once while the
   * sockets drain for seconds, and pushes to batch topics from the still-open sockets would be
   * answered ok and dropped (no batching consumer left). Sockets first, then close() stops the rest
   * and batching flushes what is pending in its stop. Waits at most twice the worst-case drain of
   * the sockets open now, plus 10 s; past that it logs and lets the close go on.
   */
  public void drainSocketsFirst() {
    // Before anything closes: the others stop counting this node towards their quorum.
    try {
      guard.leaving().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.log(System.Logger.Level.WARNING, "Not every node heard of this one's leave", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String id = deployments.get("sockets");
    if (id == null || !vertx.deploymentIDs().contains(id)) {
      return;
    }
    long open = meters.connections();
    long deadlineMs = 2 * SocketVerticle.drainTimeMs(config, open) + 10_000;
    try {
      vertx
          .undeploy(id)
          .toCompletionStage()
          .toCompletableFuture()
          .get(deadlineMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.log(
          System.Logger.Level.WARNING,
          "Sockets still draining "
              + deadlineMs
              + " ms after the stop began ("
              + open
              + " were open); stopping the rest of the node anyway");
    } catch (ExecutionException e) {
      log.log(
          System.Logger.Level.WARNING,
          "Socket drain failed; stopping the rest of the node",
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Deployment ids of this node's verticles by role: "sockets", "routing", "batching", "metrics".
   */
  public Map<String, String> deployments() {
    return Map.copyOf(deployments);
  }

  /** The socket port actually bound, or -1 when this node runs no sockets. */
  public int port() {
    SocketVerticle v = firstSocket.get();
    return v == null ? -1 : v.port();
  }

  public int metricsPort() {
    return metricsVerticle == null ? -1 : metricsVerticle.port();
  }

  /** In dev mode without a key: a token for {@link #DEV_USER}, else null. */
  public String devToken() {
    return devToken;
  }

  /**
   * Members per topic across the cluster, as the HTTP API counts them; null when this node runs no
   * sockets.
   */
  public SubscriberCounts subscriberCounts() {
    return counts;
  }

  public SwitchboardConfig configuration() {
    return config;
  }
}
