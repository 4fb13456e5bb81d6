package io.switchboard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.acceptance.PhoenixJsClientTest;
import io.switchboard.auth.TokenVerifier;
import io.switchboard.config.ConfigReader;
import io.switchboard.node.ConfigLoader;
import io.switchboard.support.Await;
import io.switchboard.support.NodeProcess;
import io.switchboard.support.TestControl;
import io.switchboard.support.TestNode;
import io.switchboard.support.Tools;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The deployment topology of docker-compose.yml without Docker: three fat-jar nodes started with
 * {@code -cluster} behind Debian's HAProxy running the repository's {@code
 * deploy/haproxy/haproxy.cfg} (backend addresses from the environment, as compose and
 * deploy/local-cluster.sh set them). The official phoenix client connects through the LB only; a
 * node holding one of its sockets is SIGKILLed and the client must come back through the LB.
 * Skipped only when {@code haproxy} is not installed ({@code deploy/install-test-deps.sh} installs
 * it).
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaproxyTopologyIT {
  static final File HAPROXY_CFG = new File("../deploy/haproxy/haproxy.cfg");
  static final File PROMETHEUS_YML = new File("../deploy/prometheus/prometheus.yml");
  static final String CLUSTER = "lb-it-" + UUID.randomUUID();
  static final Duration PROCESS_DEADLINE = Duration.ofSeconds(60);
  static final Pattern CONNECTIONS =
      Pattern.compile("(?m)^websocket_connections(?:\\{[^}]*})? ([0-9.eE+-]+)$");

  static final List<NodeProcess> nodes = new ArrayList<>();
  static final List<String> haproxyOutput = new CopyOnWriteArrayList<>();
  static Map<String, String> haproxyEnv;
  static String haproxyBin;
  static String promtoolBin;
  static Process haproxy;
  static int lbPort;
  static int statsPort;
  static Vertx vertx;
  static TokenVerifier signer;
  static HttpClient http;

  @BeforeAll
  static void start() {
    haproxyBin = Tools.which("haproxy");
    promtoolBin = Tools.which("promtool");
    // Fail, not skip: a green build must mean this ran. The build installs it as root
    // (deploy/install-test-deps.sh).
    assertTrue(
        haproxyBin != null,
        "haproxy is not installed: the build installs it as root; else run the command deploy/install-test-deps.sh prints");
    assertTrue(HAPROXY_CFG.isFile(), "missing " + HAPROXY_CFG.getAbsolutePath());
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    // Own Hazelcast ports and member list (still loopback-only cluster.xml): another cluster on
    // this machine holding 5701-5703 cannot keep these nodes from finding each other.
    int[] hz = {Tools.freePort(), Tools.freePort(), Tools.freePort()};
    String members =
        Arrays.stream(hz).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    for (int port : hz) {
      nodes.add(
          NodeProcess.start(
              CLUSTER,
              Map.of(
                  "SWITCHBOARD_CLUSTER_PORT",
                  Integer.toString(port),
                  "SWITCHBOARD_CLUSTER_MEMBERS",
                  members)));
    }
    nodes.forEach(NodeProcess::awaitStarted);
    Await.until("all three nodes in node1's cluster view", () -> clusterNodes(nodes.get(0)) == 3);

    lbPort = Tools.freePort();
    statsPort = Tools.freePort();
    haproxyEnv =
        Map.of(
            "LB_BIND",
            "127.0.0.1:" + lbPort,
            "LB_STATS_BIND",
            "127.0.0.1:" + statsPort,
            "LB_MAXCONN",
            "1000",
            "NODE1_ADDR",
            "127.0.0.1:" + nodes.get(0).port(),
            "NODE2_ADDR",
            "127.0.0.1:" + nodes.get(1).port(),
            "NODE3_ADDR",
            "127.0.0.1:" + nodes.get(2).port());
    haproxy =
        Tools.start(
            List.of(haproxyBin, "-db", "-f", HAPROXY_CFG.getPath()), haproxyEnv, haproxyOutput);
    Await.until(
        "HAProxy reports node1..node3 UP",
        () -> {
          assertTrue(haproxy.isAlive(), "haproxy exited:\n" + String.join("\n", haproxyOutput));
          Map<String, String> status;
          try {
            status = serverStatus();
          } catch (UncheckedIOException notListeningYet) {
            return false;
          }
          return "UP".equals(status.get("node1"))
              && "UP".equals(status.get("node2"))
              && "UP".equals(status.get("node3"));
        });
    vertx = Vertx.vertx();
    signer =
        TokenVerifier.create(
            vertx, ConfigReader.read(ConfigLoader.builtIn()).auth(), TestNode.SECRET);
  }

  @AfterAll
  static void stop() {
    Tools.stop(haproxy); // SIGTERM: HAProxy stops at once (hard-stop-after bounds it)
    nodes.forEach(NodeProcess::close);
    if (vertx != null) {
      Await.result(vertx.close());
    }
  }

  @Test
  @Order(1)
  void shippedConfigPassesHaproxyCheck() {
    Tools.Result check =
        run(List.of(haproxyBin, "-c", "-f", HAPROXY_CFG.getPath()), haproxyEnv, null);
    assertEquals(0, check.exit(), check.output());
  }

  @Test
  @Order(2)
  void scrapePassesPromtoolAndPrometheusConfigIsValid() {
    assertTrue(
        promtoolBin != null,
        "promtool is not installed: the build installs it as root; else run the command deploy/install-test-deps.sh prints");
    Tools.Result config =
        run(List.of(promtoolBin, "check", "config", PROMETHEUS_YML.getPath()), Map.of(), null);
    assertEquals(0, config.exit(), config.output());

    String scrape = get("http://127.0.0.1:" + nodes.get(0).metricsPort() + "/metrics").body();
    Tools.Result lint =
        run(
            List.of(promtoolBin, "check", "metrics"),
            Map.of(),
            scrape.getBytes(StandardCharsets.UTF_8));
    // 0 = clean, 3 = parsed but lint findings, 1 = not parseable. The whole scrape must be clean,
    // Vert.x's and Micrometer's families included (see ScrapeLintTest).
    assertEquals(0, lint.exit(), "promtool check metrics on the node's scrape:\n" + lint.output());
    assertTrue(
        scrape.contains("websocket_connections") && scrape.contains("switchboard_cluster_nodes"),
        scrape);

    // HAProxy's own exporter (deploy/prometheus/prometheus.yml scrapes it too).
    HttpResponse<String> lb = get("http://127.0.0.1:" + statsPort + "/metrics");
    assertEquals(200, lb.statusCode());
    Tools.Result lbLint =
        run(
            List.of(promtoolBin, "check", "metrics"),
            Map.of(),
            lb.body().getBytes(StandardCharsets.UTF_8));
    assertTrue(
        lbLint.exit() == 0 || lbLint.exit() == 3,
        "promtool could not parse HAProxy's scrape:\n" + lbLint.output());
  }

  /**
   * {@code longpoll-haproxy.test.js}: a phoenix.js LongPoll client's requests are spread over the
   * nodes still up after the SIGKILL test (each answers some with 200), and its channel works with
   * a WebSocket client's. After that test: its sessions outlive the client by {@code
   * longPoll.idleTimeoutMs}, and that test counts the connections per node.
   */
  @Test
  @Order(4)
  void longPollClientsThroughHaproxyAreServedByEveryNode() throws Exception {
    Map<String, Long> before = answered2xx();
    PhoenixJsClientTest.runNodeTests(
        "longpoll-haproxy.test.js",
        Map.of(
            "LB_URL",
            "ws://127.0.0.1:" + lbPort + "/socket",
            "TOKEN_ALICE",
            signer.issue("alice", List.of(), 600),
            "TOKEN_BOB",
            signer.issue("bob", List.of(), 600)),
        line -> {});
    Map<String, Long> after = answered2xx();
    Map<String, String> status = serverStatus();
    List<String> up =
        List.of("node1", "node2", "node3").stream()
            .filter(n -> "UP".equals(status.get(n)))
            .toList();
    long servedBy =
        up.stream().filter(n -> after.getOrDefault(n, 0L) > before.getOrDefault(n, 0L)).count();
    System.out.printf("[lb] 2xx answers per node before %s, after %s; up %s%n", before, after, up);
    assertTrue(up.size() >= 2, "status " + status);
    assertEquals(
        up.size(), servedBy, "long-poll requests answered per node: " + before + " -> " + after);
  }

  /**
   * Per server of the node backend, the HTTP responses with a 2xx status (CSV {@code hrsp_2xx}).
   */
  static Map<String, Long> answered2xx() {
    List<String> lines =
        get("http://127.0.0.1:" + statsPort + "/stats;csv").body().lines().toList();
    List<String> header = Arrays.asList(lines.get(0).replaceFirst("^# ", "").split(",", -1));
    int px = header.indexOf("pxname");
    int sv = header.indexOf("svname");
    int ok = header.indexOf("hrsp_2xx");
    Map<String, Long> answered = new HashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      if (f.length > ok && "switchboard_nodes".equals(f[px]) && !f[ok].isEmpty()) {
        answered.put(f[sv], Long.parseLong(f[ok]));
      }
    }
    return answered;
  }

  @Test
  @Order(3)
  void phoenixClientsThroughHaproxySurviveSigkillOfTheirNode() throws Exception {
    AtomicReference<String> killed = new AtomicReference<>();
    AtomicReference<long[]> before = new AtomicReference<>();
    long[] killedAt = {0};
    Supplier<String> kill =
        () -> {
          if (killed.get() != null) {
            throw new IllegalStateException("already killed " + killed.get());
          }
          long[] counts = nodes.stream().mapToLong(HaproxyTopologyIT::connections).toArray();
          before.set(counts);
          int victim = 0;
          for (int i = 1; i < counts.length; i++) {
            if (counts[i] > counts[victim]) {
              victim = i;
            }
          }
          killed.set("node" + (victim + 1));
          killedAt[0] = System.nanoTime();
          nodes.get(victim).process.destroyForcibly(); // SIGKILL
          System.out.printf(
              "[lb] connections per node %s; SIGKILL node%d (pid %d)%n",
              Arrays.toString(counts), victim + 1, nodes.get(victim).process.pid());
          return killed.get();
        };
    try (TestControl control = TestControl.start(Map.of("kill", kill))) {
      PhoenixJsClientTest.runNodeTests(
          "phoenix-haproxy.test.js",
          Map.of(
              "LB_URL",
              "ws://127.0.0.1:" + lbPort + "/socket",
              "CONTROL_URL",
              control.url(),
              "TOKEN_ALICE",
              signer.issue("alice", List.of(), 600),
              "TOKEN_BOB",
              signer.issue("bob", List.of(), 600)),
          line -> {
            if (line.contains("REJOINED") && killedAt[0] != 0) {
              System.out.printf(
                  "[lb timing] client rejoined through HAProxy %d ms after SIGKILL%n",
                  (System.nanoTime() - killedAt[0]) / 1_000_000);
            }
          });
    }
    assertTrue(killed.get() != null, "the JS side never asked for the kill");
    // Round-robin without stickiness: the two clients landed on two different nodes, one socket
    // each.
    long[] counts = before.get();
    assertEquals(2, Arrays.stream(counts).sum(), "sockets per node " + Arrays.toString(counts));
    assertEquals(
        1, Arrays.stream(counts).max().orElse(0), "sockets per node " + Arrays.toString(counts));

    Await.until(
        "HAProxy marks " + killed.get() + " DOWN",
        () -> serverStatus().getOrDefault(killed.get(), "").startsWith("DOWN"));
    System.out.printf(
        "[lb timing] HAProxy marked %s DOWN %d ms after SIGKILL%n",
        killed.get(), (System.nanoTime() - killedAt[0]) / 1_000_000);
    Map<String, String> status = serverStatus();
    for (String server : List.of("node1", "node2", "node3")) {
      if (!server.equals(killed.get())) {
        assertEquals("UP", status.get(server), "status " + status);
      }
    }
    assertTrue(haproxy.isAlive(), String.join("\n", haproxyOutput));
  }

  // --- helpers
  // ---------------------------------------------------------------------------------------------

  static long connections(NodeProcess node) {
    if (!node.process.isAlive()) {
      return 0;
    }
    Matcher m =
        CONNECTIONS.matcher(get("http://127.0.0.1:" + node.metricsPort() + "/metrics").body());
    long sum = 0;
    while (m.find()) {
      sum += (long) Double.parseDouble(m.group(1));
    }
    return sum;
  }

  static int clusterNodes(NodeProcess node) {
    Matcher m =
        Pattern.compile("\"node_count\"\\s*:\\s*(\\d+)")
            .matcher(get("http://127.0.0.1:" + node.metricsPort() + "/cluster").body());
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  /**
   * Server name to status ("UP", "DOWN", "DOWN 1/2", ...) from HAProxy's CSV stats for the node
   * backend.
   */
  static Map<String, String> serverStatus() {
    List<String> lines =
        get("http://127.0.0.1:" + statsPort + "/stats;csv").body().lines().toList();
    List<String> header = Arrays.asList(lines.get(0).replaceFirst("^# ", "").split(",", -1));
    int px = header.indexOf("pxname");
    int sv = header.indexOf("svname");
    int st = header.indexOf("status");
    Map<String, String> status = new HashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      if (f.length > st && "switchboard_nodes".equals(f[px])) {
        status.put(f[sv], f[st]);
      }
    }
    return status;
  }

  /** GET with a hard deadline (HTTP/1.1: no h2c upgrade attempt against Vert.x or HAProxy). */
  static HttpResponse<String> get(String url) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build();
    try {
      return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new UncheckedIOException(
          url, e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
    } catch (TimeoutException e) {
      throw new UncheckedIOException(url, new IOException("no response within 10 s", e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A tool run (haproxy -c, promtool), its output printed for the CI log. */
  static Tools.Result run(List<String> command, Map<String, String> env, byte[] stdin) {
    Tools.Result result = Tools.run(command, env, stdin);
    System.out.printf(
        "[lb] %s -> exit %d%n%s%n", String.join(" ", command), result.exit(), result.output());
    return result;
  }
}
