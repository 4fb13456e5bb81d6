package io.switchboard.support;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.auth.TokenVerifier;
import io.switchboard.node.ConfigLoader;
import io.switchboard.node.MainVerticle;
import io.switchboard.node.SwitchboardHooks;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A real Switchboard node for tests: the shipped config with ports 0 on 127.0.0.1 and a known HS256
 * secret, tweaked per test through a {@link TestConfig}. Started the way the launcher does it (same
 * hooks, same main verticle).
 */
public final class TestNode implements AutoCloseable {
  public static final String SECRET = "test-secret-that-is-at-least-32-bytes-long!";
  public static final Duration DEADLINE = Duration.ofSeconds(10);

  public final Vertx vertx;
  public final MainVerticle main;
  public final String deploymentId;
  private final TokenVerifier signer;
  private final WebSocketClient client;

  private TestNode(Vertx vertx, MainVerticle main, String deploymentId) {
    this.vertx = vertx;
    this.main = main;
    this.deploymentId = deploymentId;
    this.signer = TokenVerifier.create(vertx, main.configuration().auth(), SECRET);
    // Vert.x caps a WebSocketClient at 50 connections per server by default; tests open more.
    this.client =
        vertx.createWebSocketClient(
            new io.vertx.core.http.WebSocketClientOptions().setMaxConnections(10_000));
  }

  /** The shipped config, made test-friendly: loopback, port 0, known secret. */
  public static JsonObject baseConfig() {
    JsonObject c = ConfigLoader.builtIn();
    c.getJsonObject("http").put("host", "127.0.0.1").put("port", 0).put("socketInstances", 2);
    c.getJsonObject("metrics").put("host", "127.0.0.1").put("port", 0);
    c.getJsonObject("auth").put("secret", SECRET);
    return c;
  }

  public static TestNode start() {
    return start(c -> {});
  }

  public static TestNode start(Consumer<TestConfig> tweak) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return deploy(
        SwitchboardHooks.builder(new VertxOptions(), registry, Map.of()).build(), registry, tweak);
  }

  /**
   * A clustered node on loopback, in a cluster named {@code clusterName} (random per test class).
   */
  public static TestNode startClustered(String clusterName, Consumer<TestConfig> tweak) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Map<String, String> env = new java.util.HashMap<>(ClusterPorts.env(clusterName));
    env.put("SWITCHBOARD_CLUSTER_NAME", clusterName);
    env.put("SWITCHBOARD_CLUSTER_JOIN_WAIT_SECONDS", "0");
    Vertx vertx =
        Await.result(
            SwitchboardHooks.builder(new VertxOptions(), registry, env).buildClustered(),
            Duration.ofSeconds(60));
    return deploy(vertx, registry, tweak);
  }

  private static TestNode deploy(
      Vertx vertx, PrometheusMeterRegistry registry, Consumer<TestConfig> tweak) {
    TestConfig config = TestConfig.shipped();
    tweak.accept(config);
    MainVerticle main = new MainVerticle(registry);
    try {
      String id =
          Await.result(
              vertx.deployVerticle(main, new DeploymentOptions().setConfig(config.toJson())));
      return new TestNode(vertx, main, id);
    } catch (RuntimeException e) {
      Await.result(vertx.close()); // a clustered one leaves its cluster before the next test starts
      throw e;
    }
  }

  public int port() {
    return main.port();
  }

  public String token(String user) {
    return signer.issue(user, List.of(), 600);
  }

  public String token(String user, List<String> topics) {
    return signer.issue(user, topics, 600);
  }

  /** Connects a raw Phoenix V2 client as {@code user}. */
  public TestSocket connect(String user) {
    return TestSocket.connect(client, port(), "token=" + token(user) + "&vsn=2.0.0");
  }

  public TestSocket connectWithQuery(String query) {
    return TestSocket.connect(client, port(), query);
  }

  public WebSocketClient client() {
    return client;
  }

  @Override
  public void close() {
    main.drainSocketsFirst(); // as the launcher's hooks do on SIGTERM
    Await.result(vertx.close());
  }
}
