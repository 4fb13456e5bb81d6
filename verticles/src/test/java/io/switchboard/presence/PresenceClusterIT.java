package io.switchboard.presence;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.acceptance.PhoenixJsClientTest;
import io.switchboard.auth.TokenVerifier;
import io.switchboard.config.ConfigReader;
import io.switchboard.node.ConfigLoader;
import io.switchboard.support.Await;
import io.switchboard.support.NodeProcess;
import io.switchboard.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Presence on three fat-jar nodes started with {@code -cluster}, seen through the stock phoenix.js
 * {@code Presence} class: everyday use first, then a SIGKILL of C and a SIGTERM of B, then C
 * started again. Timings are printed (PRESENCE_*) for docs/CLUSTER.md, not asserted.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PresenceClusterIT {
  static final String CLUSTER = "presence-it-" + UUID.randomUUID();
  static final String API_KEY = "api-key-for-presence-tests-0123";
  static final int STORM = 150;
  static final Map<String, String> ENV =
      Map.of(
          "SWITCHBOARD_API_KEY",
          API_KEY,
          "SWITCHBOARD_DRAIN_INTERVAL_MS",
          "200",
          "SWITCHBOARD_DRAIN_BATCH_SIZE",
          "1");
  static NodeProcess a;
  static NodeProcess b;
  static NodeProcess c;
  static Vertx vertx;
  static TokenVerifier signer;
  static io.vertx.core.http.HttpClient http;

  @BeforeAll
  static void start() {
    a = NodeProcess.start(CLUSTER, ENV);
    a.awaitStarted();
    b = NodeProcess.start(CLUSTER, ENV);
    c = NodeProcess.start(CLUSTER, ENV);
    b.awaitStarted();
    c.awaitStarted();
    vertx = Vertx.vertx();
    http = vertx.createHttpClient();
    signer =
        TokenVerifier.create(
            vertx, ConfigReader.read(ConfigLoader.builtIn()).auth(), TestNode.SECRET);
    Await.until("all three nodes in A's cluster view", () -> nodeCount(a) == 3);
  }

  @AfterAll
  static void stop() {
    for (NodeProcess n : new NodeProcess[] {a, b, c}) {
      if (n != null) {
        n.close();
      }
    }
    if (vertx != null) {
      Await.result(vertx.close());
    }
  }

  static int nodeCount(NodeProcess node) {
    return node.clusterSize(http);
  }

  static Map<String, String> env() {
    JsonObject tokens = new JsonObject();
    for (String user :
        List.of(
            "alice",
            "bob",
            "carol",
            "dave",
            "erin",
            "frank",
            "grace",
            "marker",
            "watcher",
            "killed-1",
            "killed-2",
            "drained-1",
            "drained-2",
            "restarted")) {
      tokens.put(user, signer.issue(user, List.of(), 600));
    }
    for (int i = 0; i < STORM; i++) {
      tokens.put("storm-" + i, signer.issue("storm-" + i, List.of(), 600));
    }
    Map<String, String> env = new HashMap<>();
    env.put("TOKENS", tokens.encode());
    env.put("API_KEY", API_KEY);
    Map<String, NodeProcess> nodes = Map.of("A", a, "B", b, "C", c);
    nodes.forEach(
        (name, n) -> {
          env.put("URL_" + name, "ws://127.0.0.1:" + n.port() + "/socket");
          env.put("HTTP_" + name, "http://127.0.0.1:" + n.port());
        });
    env.put("METRICS_A", "http://127.0.0.1:" + a.metricsPort());
    env.put("PID_B", Long.toString(b.process.pid()));
    env.put("PID_C", Long.toString(c.process.pid()));
    return env;
  }

  static void printTimings(String line) {
    if (line.contains("PRESENCE_")) {
      System.out.println("[presence timing] " + line.trim());
    }
  }

  @Test
  @Order(1)
  void theStockPresenceClassSeesEveryoneOnEveryNode() throws Exception {
    PhoenixJsClientTest.runNodeTests(
        "presence-cluster.test.js", env(), PresenceClusterIT::printTimings);
  }

  @Test
  @Order(2)
  void aKilledNodesUsersLeaveAndADrainedNodesUsersLeaveAsTheyClose() throws Exception {
    Map<String, String> env = env();
    env.put("PHASE", "faults");
    PhoenixJsClientTest.runNodeTests(
        "presence-faults.test.js", env, PresenceClusterIT::printTimings);
    int exit = b.awaitExit(60);
    assertTrue(exit == 0 || exit == 143, "B's exit code after SIGTERM: " + exit);
  }

  @Test
  @Order(3)
  void aNodeStartedAgainAfterASigkillServesNoZombies() throws Exception {
    c.close(); // already dead: SIGKILLed by the faults phase
    c = NodeProcess.start(CLUSTER, ENV);
    c.awaitStarted();
    Await.until("A and the new C form a cluster", () -> nodeCount(a) == 2 && nodeCount(c) == 2);
    Map<String, String> env = env();
    env.put("PHASE", "restart");
    PhoenixJsClientTest.runNodeTests(
        "presence-faults.test.js", env, PresenceClusterIT::printTimings);
  }
}
