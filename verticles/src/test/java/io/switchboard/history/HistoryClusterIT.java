package io.switchboard.history;

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
 * History and recovery on three fat-jar nodes started with {@code -cluster}, with the stock
 * phoenix.js client and the shipped recovery helper: everyday reconnects (same node, another node,
 * a stale position, HTTP), then a SIGKILL of C and a SIGTERM drain of B, each under a steady
 * publish load, counting what every recovering subscriber got. Counts are printed (HISTORY_FAULT)
 * for docs/HISTORY.md.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HistoryClusterIT {
  static final String CLUSTER = "history-it-" + UUID.randomUUID();
  static final String API_KEY = "api-key-for-history-tests-01234";
  static final Map<String, String> ENV =
      Map.of(
          "SWITCHBOARD_API_KEY",
          API_KEY,
          "SWITCHBOARD_DRAIN_INTERVAL_MS",
          "200",
          "SWITCHBOARD_DRAIN_BATCH_SIZE",
          "2");
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
    Await.until("all three nodes in A's cluster view", () -> a.clusterSize(http) == 3);
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

  static Map<String, String> env(String phase) {
    JsonObject tokens = new JsonObject();
    for (String user : List.of("alice", "publisher")) {
      tokens.put(user, signer.issue(user, List.of(), 600));
    }
    Map<String, String> env = new HashMap<>();
    env.put("PHASE", phase);
    env.put("TOKENS", tokens.encode());
    env.put("API_KEY", API_KEY);
    Map<String, NodeProcess> nodes = Map.of("A", a, "B", b, "C", c);
    nodes.forEach(
        (name, n) -> {
          env.put("URL_" + name, "ws://127.0.0.1:" + n.port() + "/socket");
          env.put("HTTP_" + name, "http://127.0.0.1:" + n.port());
        });
    env.put("PID_B", Long.toString(b.process.pid()));
    env.put("PID_C", Long.toString(c.process.pid()));
    return env;
  }

  static void printCounts(String line) {
    if (line.contains("HISTORY_")) {
      System.out.println("[history faults] " + line.trim());
    }
  }

  @Test
  @Order(1)
  void reconnectsOnTheSameNodeAndOnAnotherRecoverEverythingInOrder() throws Exception {
    PhoenixJsClientTest.runNodeTests(
        "history-cluster.test.js", env("recover"), HistoryClusterIT::printCounts);
  }

  @Test
  @Order(2)
  void aSigkilledNodeLosesNoHistory() throws Exception {
    PhoenixJsClientTest.runNodeTests(
        "history-cluster.test.js", env("kill"), HistoryClusterIT::printCounts);
    Await.until("A's cluster view without C", () -> a.clusterSize(http) == 2);
  }

  @Test
  @Order(3)
  void aDrainLosesNothing() throws Exception {
    PhoenixJsClientTest.runNodeTests(
        "history-cluster.test.js", env("drain"), HistoryClusterIT::printCounts);
    int exit = b.awaitExit(60);
    assertTrue(exit == 0 || exit == 143, "B's exit code after SIGTERM: " + exit);
  }
}
