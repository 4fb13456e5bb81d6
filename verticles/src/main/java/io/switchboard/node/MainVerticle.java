package io.switchboard.node;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.auth.TokenVerifier;
import io.switchboard.broker.Broker;
import io.switchboard.broker.LocalBroker;
import io.switchboard.config.ConfigException;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.MetricsVerticle;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.routing.RoomRoutingVerticle;
import io.switchboard.socket.SocketVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.logging.Logger;
import io.vertx.core.internal.logging.LoggerFactory;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * Starts a node: reads and validates the config, builds the node-wide pieces (token verifier, broker, meters)
 * and deploys the metrics, routing and socket verticles. Fails its deployment (and so the start) if any of them
 * fails: a port in use, a bad key, a bad config key.
 */
public final class MainVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(MainVerticle.class);
  static final String DEV_USER = "dev-user";

  private final PrometheusMeterRegistry registry;
  private SwitchboardConfig config;
  private int port;
  private int metricsPort;
  private String devToken;
  private final java.util.Map<String, String> deployments = new java.util.concurrent.ConcurrentHashMap<>();

  /** Used by the launcher when metrics were not set up by {@link SwitchboardHooks}. */
  public MainVerticle() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  public MainVerticle(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    try {
      config = ConfigLoader.load(config(), System.getenv());
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    String secret = config.auth().secret().orElse(null);
    if (!config.auth().hasKey()) {
      if (!config.auth().dev()) {
        return Future.failedFuture(new ConfigException("auth.secret",
            "no JWT key configured: set SWITCHBOARD_JWT_SECRET (HS256, 32+ bytes) or SWITCHBOARD_JWT_PUBLIC_KEY "
                + "(RS256/ES256 PEM), or start with SWITCHBOARD_DEV=true for a throw-away development key"));
      }
      if (!config.auth().algorithm().equals("HS256")) {
        return Future.failedFuture(new ConfigException("auth.algorithm", "dev mode signs with HS256"));
      }
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      secret = Base64.getEncoder().encodeToString(random);
    }
    TokenVerifier verifier = TokenVerifier.create(vertx, config.auth(), secret);
    Broker broker = new LocalBroker();
    SwitchboardMeters meters = new SwitchboardMeters(registry, broker);

    int instances = config.http().socketInstances() > 0
        ? config.http().socketInstances()
        : 2 * Runtime.getRuntime().availableProcessors();
    Future<String> metrics = config.metrics().enabled()
        ? deployAndRead(new MetricsVerticle(config.metrics(), registry), v -> metricsPort = v.port())
            .onSuccess(id -> deployments.put("metrics", id))
        : Future.succeededFuture();
    Future<String> routing = vertx.deployVerticle(new RoomRoutingVerticle(config, broker))
        .onSuccess(id -> deployments.put("routing", id));
    SocketVerticle[] first = new SocketVerticle[1];
    Future<String> sockets = vertx.deployVerticle(() -> {
      SocketVerticle v = new SocketVerticle(config, verifier, broker, meters);
      if (first[0] == null) {
        first[0] = v;
      }
      return v;
    }, new DeploymentOptions().setInstances(instances).setThreadingModel(ThreadingModel.EVENT_LOOP))
        .onSuccess(id -> deployments.put("sockets", id));
    return Future.all(metrics, routing, sockets).onSuccess(v -> {
      port = first[0].port();
      if (config.auth().dev() && !config.auth().hasKey()) {
        devToken = verifier.issue(DEV_USER, List.of(), 24 * 3600);
        log.warn("DEVELOPMENT MODE: a random JWT key was made for this run; tokens die with the process. Token for '"
            + DEV_USER + "' (24 h):\n" + devToken + "\nTry: ws://localhost:" + port + "/socket/websocket?token="
            + devToken + "&vsn=2.0.0");
      }
      log.info("Switchboard listening: sockets on " + config.http().host() + ":" + port
          + (config.metrics().enabled() ? ", metrics on " + config.metrics().host() + ":" + metricsPort : "")
          + ", " + instances + " socket verticle instances");
    });
  }

  private <V extends VerticleBase> Future<String> deployAndRead(V verticle, java.util.function.Consumer<V> after) {
    return vertx.deployVerticle(verticle).onSuccess(id -> after.accept(verticle));
  }

  /** Deployment ids of this node's verticles by role: "sockets", "routing", "metrics". */
  public java.util.Map<String, String> deployments() {
    return java.util.Map.copyOf(deployments);
  }

  /** The socket port actually bound. */
  public int port() {
    return port;
  }

  public int metricsPort() {
    return metricsPort;
  }

  /** In dev mode without a key: a token for {@link #DEV_USER}, else null. */
  public String devToken() {
    return devToken;
  }

  public SwitchboardConfig configuration() {
    return config;
  }
}
