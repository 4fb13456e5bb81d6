package io.switchboard.cluster;

import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.acceptance.PhoenixJsClientTest;
import io.switchboard.auth.TokenVerifier;
import io.switchboard.config.ConfigReader;
import io.switchboard.node.ConfigLoader;
import io.switchboard.support.Await;
import io.switchboard.support.NodeProcess;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
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
 * Three fat-jar processes started with {@code -cluster}, the way users start them: cross-node
 * delivery, a SIGKILL of one node, and a SIGTERM drain of another. Timings are printed for
 * docs/CLUSTER.md, not asserted.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterProcessIT {
  static final String CLUSTER = "it-" + UUID.randomUUID();
  static NodeProcess a;
  static NodeProcess b;
  static NodeProcess c;
  static Vertx vertx;
  static WebSocketClient ws;
  static HttpClient http;
  static TokenVerifier signer;

  @BeforeAll
  static void start() {
    Map<String, String> env =
        Map.of(
            "SWITCHBOARD_DRAIN_INTERVAL_MS",
            "200",
            "SWITCHBOARD_DRAIN_BATCH_SIZE",
            "1",
            // The join burst opens its 300 sockets as one user: it is about joins, not that cap.
            "SWITCHBOARD_MAX_CONNECTIONS_PER_USER",
            "1000");
    a = NodeProcess.start(CLUSTER, env);
    a.awaitStarted();
    b = NodeProcess.start(CLUSTER, env);
    c = NodeProcess.start(CLUSTER, env);
    b.awaitStarted();
    c.awaitStarted();
    vertx = Vertx.vertx();
    ws = vertx.createWebSocketClient();
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

  static TestSocket connect(NodeProcess node, String user) {
    return TestSocket.connect(
        ws, node.port(), "token=" + signer.issue(user, List.of(), 600) + "&vsn=2.0.0");
  }

  static int nodeCount(NodeProcess node) {
    return node.clusterSize(http);
  }

  static void assertDelivers(TestSocket from, TestSocket to, String topic, String marker) {
    from.send("1", marker, topic, "shout", new JsonObject().put("m", marker));
    assertEquals("ok", status(from.reply(marker)));
    TestSocket target = to;
    assertEquals(
        marker,
        target
            .await(
                "shout " + marker,
                f ->
                    "shout".equals(f.getString(3))
                        && marker.equals(f.getJsonObject(4).getString("m")))
            .getJsonObject(4)
            .getString("m"));
  }

  /**
   * A topic's first join on a node reaches the other nodes asynchronously (docs/CLUSTER.md:
   * eventually consistent, as Phoenix.PubSub): {@code from} pushes a probe every 100 ms until
   * {@code to} gets one, then the strict checks.
   */
  static void awaitConverged(TestSocket from, TestSocket to, String topic) {
    long start = System.nanoTime();
    long deadline = start + java.time.Duration.ofSeconds(15).toNanos();
    for (int i = 0; System.nanoTime() < deadline; i++) {
      String probe = "probe-" + topic + "-" + i;
      from.send("1", probe, topic, "shout", new JsonObject().put("m", probe));
      assertEquals("ok", status(from.reply(probe)));
      if (to.poll(
              f ->
                  "shout".equals(f.getString(3))
                      && f.getJsonObject(4).getString("m", "").startsWith("probe-"),
              java.time.Duration.ofMillis(100))
          .isPresent()) {
        System.out.printf(
            "[cluster timing] %s converged after %d probe(s), %d ms%n",
            topic, i + 1, (System.nanoTime() - start) / 1_000_000);
        return;
      }
    }
    throw new AssertionError("no cross-node delivery on " + topic + " within 15 s");
  }

  @Test
  @Order(0)
  void everyNodeFormedOurLoopbackClusterFromTheBuiltInClusterXml() {
    // The README's -cluster command must use cluster.xml (loopback, TCP-IP, no multicast) with our
    // overrides applied, never Hazelcast's or vertx-hazelcast's defaults.
    for (NodeProcess n : List.of(a, b, c)) {
      String log = String.join("\n", n.output);
      assertTrue(log.contains("Configuring Hazelcast from 'cluster.xml'"), log);
      assertTrue(log.contains("Joined Hazelcast cluster '" + CLUSTER + "' as [127.0.0.1]:"), log);
    }
  }

  @Test
  @Order(1)
  void broadcastsCrossProcesses() {
    try (TestSocket onA = connect(a, "ua");
        TestSocket onB = connect(b, "ub");
        TestSocket onC = connect(c, "uc")) {
      for (TestSocket s : List.of(onA, onB, onC)) {
        s.join("1", "room:procs");
      }
      awaitConverged(onA, onB, "room:procs");
      awaitConverged(onB, onC, "room:procs");
      awaitConverged(onC, onA, "room:procs");
      assertDelivers(onA, onB, "room:procs", "a-to-b");
      assertDelivers(onB, onC, "room:procs", "b-to-c");
      assertDelivers(onC, onA, "room:procs", "c-to-a");
    }
  }

  @Test
  @Order(2)
  void officialPhoenixClientsOnDifferentNodesExchangeBroadcasts() throws Exception {
    PhoenixJsClientTest.runNodeTests(
        "phoenix-cluster.test.js",
        Map.of(
            "URL_A",
            "ws://127.0.0.1:" + a.port() + "/socket",
            "URL_B",
            "ws://127.0.0.1:" + b.port() + "/socket",
            "TOKEN_ALICE",
            signer.issue("alice", List.of(), 600),
            "TOKEN_BOB",
            signer.issue("bob", List.of(), 600)),
        line -> {});
  }

  @Test
  @Order(3)
  void bridgeClientsOnOneNodeReceiveBroadcastsFromAnother() throws Exception {
    PhoenixJsClientTest.runNodeTests(
        "bridge-cluster.test.js",
        Map.of(
            "WS_A",
            "ws://127.0.0.1:" + a.port(),
            "HTTP_B",
            "http://127.0.0.1:" + b.port(),
            "TOKEN_ALICE",
            signer.issue("alice", List.of(), 600),
            "TOKEN_BOB",
            signer.issue("bob", List.of(), 600)),
        line -> {});
  }

  /**
   * Simultaneous first joins on a real node process, where the registration race showed (see
   * ClusterTest).
   */
  @Test
  @Order(4)
  void simultaneousFirstJoinsAreAllAnswered() throws Exception {
    PhoenixJsClientTest.runNodeTests(
        "join-burst.test.js",
        Map.of(
            "WS_URL",
            "ws://127.0.0.1:" + b.port(),
            "TOKEN",
            signer.issue("burst", List.of(), 600),
            "TOPIC",
            "room:burst-process"),
        line -> {});
  }

  @Test
  @Order(5)
  void sigkillOfOneNodeLeavesTheOthersDelivering() {
    try (TestSocket onA = connect(a, "ua");
        TestSocket onB = connect(b, "ub");
        TestSocket onC = connect(c, "uc")) {
      onA.join("1", "room:kill");
      onB.join("1", "room:kill");
      onC.join("1", "room:kill");
      awaitConverged(onA, onB, "room:kill");
      awaitConverged(onB, onA, "room:kill");
      long killedAt = System.nanoTime();
      c.process.destroyForcibly(); // SIGKILL
      assertEquals(
          1006,
          onC.closeCode(),
          "the dead node's client sees an abnormal close and will reconnect");
      assertDelivers(onA, onB, "room:kill", "right-after-kill");
      System.out.printf(
          "[cluster timing] A->B delivered %d ms after SIGKILL of C%n",
          (System.nanoTime() - killedAt) / 1_000_000);
      Await.until("A's cluster view drops the dead node", () -> nodeCount(a) == 2);
      System.out.printf(
          "[cluster timing] A's view dropped C %d ms after SIGKILL%n",
          (System.nanoTime() - killedAt) / 1_000_000);
      assertDelivers(onB, onA, "room:kill", "after-view-update");
      // The dead node's users reconnect elsewhere and rejoin.
      try (TestSocket again = connect(a, "uc")) {
        again.join("1", "room:kill");
        assertDelivers(onB, again, "room:kill", "after-reconnect");
      }
    }
  }

  @Test
  @Order(6)
  void sigtermDrainsWith1012AndTheNodeLeavesCleanly() {
    try (TestSocket onA = connect(a, "ua");
        TestSocket onB1 = connect(b, "ub1");
        TestSocket onB2 = connect(b, "ub2")) {
      onA.join("1", "room:drain");
      onB1.join("1", "room:drain");
      long termAt = System.nanoTime();
      b.process.destroy(); // SIGTERM
      assertEquals(1012, onB1.closeCode());
      assertEquals(1012, onB2.closeCode());
      System.out.printf(
          "[cluster timing] both sockets of B closed with 1012 %d ms after SIGTERM%n",
          (System.nanoTime() - termAt) / 1_000_000);
      int exit = b.awaitExit(60);
      System.out.printf(
          "[cluster timing] B exited (code %d) %d ms after SIGTERM%n",
          exit, (System.nanoTime() - termAt) / 1_000_000);
      assertTrue(exit == 0 || exit == 143, "exit code " + exit);
      try (TestSocket again = connect(a, "ub1")) {
        again.join("1", "room:drain");
        assertDelivers(onA, again, "room:drain", "after-drain");
      }
      Await.until("A sees itself alone", () -> nodeCount(a) == 1);
    }
  }
}
