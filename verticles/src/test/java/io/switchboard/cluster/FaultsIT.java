package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.auth.TokenVerifier;
import io.switchboard.config.ConfigReader;
import io.switchboard.node.ConfigLoader;
import io.switchboard.support.Await;
import io.switchboard.support.NodeProcess;
import io.switchboard.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults on three fat-jar {@code -cluster} nodes under a steady publish load, counted: every push a
 * node answered {@code ok} must reach every subscriber that stayed connected, once, and a
 * subscriber that recovers loses nothing. Counts and timings are printed ({@code [faults]}) for
 * docs/RELIABILITY.md, not asserted.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {
  static final String CLUSTER = "faults-" + UUID.randomUUID();
  static final String RUN = Long.toString(System.nanoTime(), 36);
  static final String HISTORY = "room:faults-" + RUN;
  static final String PLAIN = "presence:faults-" + RUN;
  static final List<String> TOPICS = List.of(HISTORY, PLAIN);
  static final Duration LONG = Duration.ofSeconds(60);
  static final String API_KEY = "api-key-for-fault-tests-0123456789";

  static NodeProcess a;
  static NodeProcess b;
  static NodeProcess c;
  static Vertx vertx;
  static WebSocketClient ws;
  static HttpClient http;
  static TokenVerifier signer;
  static final List<FaultClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    Map<String, String> env =
        Map.of("SWITCHBOARD_MAX_CONNECTIONS_PER_USER", "100", "SWITCHBOARD_API_KEY", API_KEY);
    java.nio.file.Path conf = deepHistoryConfig();
    a = NodeProcess.start(CLUSTER, env, conf);
    a.awaitStarted();
    b = NodeProcess.start(CLUSTER, env, conf);
    c = NodeProcess.start(CLUSTER, env, conf);
    b.awaitStarted();
    c.awaitStarted();
    vertx = Vertx.vertx();
    ws = vertx.createWebSocketClient();
    http = vertx.createHttpClient();
    signer =
        TokenVerifier.create(
            vertx, ConfigReader.read(ConfigLoader.builtIn()).auth(), TestNode.SECRET);
    Await.until("all three nodes in every view", LONG, () -> everyViewHolds(3));
  }

  /**
   * The shipped config with {@code room:*} keeping 2,000 broadcasts rather than 100: a subscriber
   * away for the whole fault (25 s at 20 a second) can still recover.
   */
  static java.nio.file.Path deepHistoryConfig() {
    JsonObject config = ConfigLoader.builtIn();
    config.getJsonArray("channels").stream()
        .map(JsonObject.class::cast)
        .filter(rule -> rule.getString("pattern").equals("room:*"))
        .forEach(rule -> rule.getJsonObject("history").put("size", 2_000));
    try {
      java.nio.file.Path file = java.nio.file.Files.createTempFile("faults-config", ".json");
      file.toFile().deleteOnExit();
      java.nio.file.Files.writeString(file, config.encodePrettily());
      return file;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @AfterAll
  static void stop() {
    clients.forEach(FaultClient::close);
    for (NodeProcess n : new NodeProcess[] {a, b, c}) {
      if (n != null) {
        signal("CONT", n); // never leave a stopped process behind
        n.close();
      }
    }
    if (vertx != null) {
      Await.result(vertx.close());
    }
  }

  /**
   * One subscriber and one publisher per node, on {@link #HISTORY} and {@link #PLAIN}, each
   * publisher pushing 10 a second to each topic (so a subscriber away for 25 s stays within
   * history.maxReplay), all heard by all before the fault.
   */
  static final class Load {
    final String fault;
    final Map<String, FaultClient> subs = new LinkedHashMap<>();
    final Map<String, FaultClient> pubs = new LinkedHashMap<>();
    final List<FaultClient> publishers = new ArrayList<>();

    /** Each subscriber's history position when it joined. */
    final Map<String, JsonObject> joinedAt = new HashMap<>();

    Load(String fault, Map<String, NodeProcess> nodes) {
      this.fault = fault;
      nodes.forEach(
          (n, node) -> {
            subs.put(n, client(node, fault + "-sub-" + n));
            pubs.put(n, client(node, fault + "-pub-" + n));
          });
      for (String n : subs.keySet()) {
        for (String topic : TOPICS) {
          JsonObject reply = subs.get(n).join(topic, new JsonObject());
          if (topic.equals(HISTORY)) {
            joinedAt.put(n, reply);
          }
          pubs.get(n).join(topic, new JsonObject());
        }
      }
      publishers.addAll(pubs.values());
      publishers.forEach(p -> p.publishEvery(100, TOPICS));
      Await.until(
          fault + ": every subscriber hears every publisher on both topics",
          LONG,
          () ->
              subs.values().stream()
                  .allMatch(
                      sub ->
                          TOPICS.stream()
                              .allMatch(
                                  t ->
                                      sub.received(t).stream()
                                              .map(FaultClient.Shout::from)
                                              .distinct()
                                              .count()
                                          == nodes.size())));
    }

    /** Waits until every publisher still connected has {@code more} pushes acked on each topic. */
    void awaitMoreAcked(int more) {
      Map<FaultClient, Integer> now = new HashMap<>();
      publishers.forEach(p -> now.put(p, p.acked(HISTORY).size()));
      Await.until(
          fault + ": " + more + " more pushes acked per publisher",
          LONG,
          () ->
              publishers.stream()
                  .filter(p -> !p.closed.isDone())
                  .allMatch(
                      p -> TOPICS.stream().allMatch(t -> p.acked(t).size() >= now.get(p) + more)));
    }

    /** Another publisher, on {@code node}, pushing like the others from now on. */
    FaultClient addPublisher(NodeProcess node, String name) {
      FaultClient p = awaitAccepted(node, fault + "-" + name);
      for (String topic : TOPICS) {
        p.join(topic, new JsonObject());
      }
      publishers.add(p);
      p.publishEvery(100, TOPICS);
      return p;
    }

    /**
     * A subscriber on {@code node} that recovers {@link #HISTORY} from where {@code lost} (node
     * {@code n}'s subscriber, now closed) was; asserts it was told {@code recovered: true}.
     */
    FaultClient recover(String n, NodeProcess node) {
      List<FaultClient.Shout> had = subs.get(n).received(HISTORY);
      JsonObject position =
          had.isEmpty()
              ? new JsonObject()
                  .put("epoch", joinedAt.get(n).getString("epoch"))
                  .put("offset", joinedAt.get(n).getLong("offset"))
              : new JsonObject()
                  .put("epoch", had.get(had.size() - 1).epoch())
                  .put("offset", had.get(had.size() - 1).offset());
      FaultClient again = awaitAccepted(node, fault + "-sub-" + n + "-again");
      JsonObject reply = again.join(HISTORY, new JsonObject().put("recover", position));
      assertEquals(
          true,
          reply.getBoolean("recovered"),
          fault + ": recovered from " + position + ": " + reply);
      return again;
    }

    /**
     * Stops publishing, waits for the answers still due, then checks and prints the counts: {@code
     * stayed} subscribers (connected throughout) got every acked push once, in offset order on the
     * history topic; {@code recovering} (lost node → its recovering successor) lost nothing acked
     * after it first joined and got no offset twice.
     */
    void verify(List<String> stayed, Map<String, FaultClient> recovering, String timings) {
      publishers.forEach(FaultClient::stopPublishing);
      Await.until(
          fault + ": every push still open is answered",
          LONG,
          () ->
              publishers.stream().filter(p -> !p.closed.isDone()).allMatch(p -> p.pending() == 0));
      int acked = 0;
      Map<String, Integer> refused = new java.util.TreeMap<>();
      for (NodeProcess node : List.of(a, b, c)) {
        if (node.process.isAlive()) {
          String scrape = io.switchboard.support.Scrape.text(http, node.metricsPort());
          System.out.println(
              "[faults] "
                  + fault
                  + " node "
                  + node.process.pid()
                  + ": "
                  + scrape
                      .lines()
                      .filter(
                          l ->
                              l.startsWith("switchboard_history_gap")
                                  || l.startsWith("switchboard_cluster_"))
                      .toList());
        }
      }
      // The plain topic first: the history topic's gap filling could hide a broadcast that never
      // crossed, but not at the end of the run.
      for (String topic : List.of(PLAIN, HISTORY)) {
        for (FaultClient p : publishers) {
          acked += p.acked(topic).size();
          p.refused(topic).values().forEach(r -> refused.merge(r, 1, Integer::sum));
        }
        for (String n : stayed) {
          FaultClient sub = subs.get(n);
          awaitNothingMissing(
              fault + ": " + n + " on " + topic, () -> sub.received(topic), publishers, topic);
          List<FaultClient.Shout> got = sub.received(topic);
          assertEquals(
              got.size(),
              new HashSet<>(keys(got)).size(),
              fault + ": no push twice at " + n + " on " + topic);
          if (topic.equals(HISTORY)) {
            assertContiguous(got, fault + ": " + n + " on " + topic);
          }
        }
      }
      int replayed = 0;
      int missedByPlain = 0;
      for (Map.Entry<String, FaultClient> r : recovering.entrySet()) {
        String n = r.getKey();
        List<FaultClient.Shout> all = new ArrayList<>(subs.get(n).received(HISTORY));
        all.addAll(r.getValue().received(HISTORY));
        replayed += r.getValue().received(HISTORY).size();
        missedByPlain += missing(subs.get(n).received(PLAIN), publishers, PLAIN).size();
        Set<Long> offsets = new HashSet<>();
        for (FaultClient.Shout shout : all) {
          assertTrue(
              offsets.add(shout.offset()),
              fault + ": recovering subscriber got offset " + shout.offset() + " twice");
        }
        long since = joinedAt.get(n).getLong("offset");
        awaitRecovered(fault + ": " + n, r.getValue(), offsets, since, publishers);
      }
      System.out.printf(
          "[faults] %s: acked=%d refused=%s lost=0 duplicated=0; %s; plain subscribers of the lost"
              + " node missed %d while away, recovering ones lost 0 (%d received after recovering)%n",
          fault, acked, refused, timings, missedByPlain, replayed);
      assertTrue(acked > 0);
    }
  }

  /**
   * Every acked history push after {@code since} is among {@code offsets} or arrives at {@code r}.
   */
  static void awaitRecovered(
      String what, FaultClient r, Set<Long> offsets, long since, List<FaultClient> publishers) {
    java.util.function.Supplier<List<String>> lost =
        () -> {
          Set<Long> have = new HashSet<>(offsets);
          r.received(HISTORY).forEach(shout -> have.add(shout.offset()));
          List<String> missing = new ArrayList<>();
          for (FaultClient p : publishers) {
            p.acked(HISTORY)
                .forEach(
                    (n, at) -> {
                      long offset = Long.parseLong(at.substring(at.lastIndexOf(':') + 1));
                      if (offset > since && !have.contains(offset)) {
                        missing.add(p.name + "#" + n + "@" + offset);
                      }
                    });
          }
          return missing;
        };
    long deadline = System.nanoTime() + LONG.toNanos();
    while (!lost.get().isEmpty() && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
    }
    assertEquals(List.of(), lost.get(), what + ": the recovering subscriber lost acked pushes");
  }

  static long msSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  @Test
  @Order(1)
  void aNodeStoppedForTwentySecondsNeverAcksAPushTheOthersMissAndRejoins() throws Exception {
    Load load = new Load("sigstop", Map.of("a", a, "b", b, "c", c));
    signal("STOP", c);
    CompletableFuture<Void> resumed = new CompletableFuture<>();
    vertx.setTimer(
        20_000,
        id -> {
          signal("CONT", c);
          resumed.complete(null);
        });
    resumed.get(40, TimeUnit.SECONDS);
    long resumedAt = System.nanoTime();

    // On its return C finds itself alone: it refuses the pushes queued meanwhile and closes its
    // sockets, so that they reconnect elsewhere.
    assertEquals(
        (short) 1012, load.subs.get("c").closed.get(30, TimeUnit.SECONDS), "C's subscriber");
    assertEquals(
        (short) 1012, load.pubs.get("c").closed.get(30, TimeUnit.SECONDS), "C's publisher");
    long closedMs = msSince(resumedAt);
    Await.until("C merged back: three nodes in every view", LONG, () -> everyViewHolds(3));
    long mergedMs = msSince(resumedAt);
    c.output.stream()
        .filter(
            l -> l.contains("Isolated") || l.contains("Serving again") || l.contains("did not run"))
        .forEach(l -> System.out.println("[faults] C: " + l));

    // C serves again: a subscriber recovers there, and a new publisher on C reaches the others.
    FaultClient recovering = load.recover("c", c);
    load.addPublisher(c, "pub-c-again");
    Await.until(
        "A's subscriber hears C's new publisher",
        LONG,
        () ->
            load.subs.get("a").received(PLAIN).stream()
                .anyMatch(shout -> shout.from().endsWith("pub-c-again")));
    load.awaitMoreAcked(20);
    load.verify(
        List.of("a", "b"),
        Map.of("c", recovering),
        "C stopped 20 s, closed its sockets with 1012 "
            + closedMs
            + " ms after SIGCONT, in every view again "
            + mergedMs
            + " ms after it");
  }

  @Test
  @Order(2)
  void aSigkilledNodeLosesNoAckedPush() {
    Load load = new Load("sigkill", Map.of("a", a, "b", b, "c", c));
    long killedAt = System.nanoTime();
    c.process.destroyForcibly();
    c.awaitExit(30);
    assertEquals((short) 1006, load.subs.get("c").closed.join(), "the killed node's subscriber");
    FaultClient recovering = load.recover("c", a);
    long recoveredMs = msSince(killedAt);
    Await.until("A and B see each other alone", LONG, () -> viewOf(a) == 2 && viewOf(b) == 2);
    load.awaitMoreAcked(20);
    load.verify(
        List.of("a", "b"),
        Map.of("c", recovering),
        "C's subscriber recovered on A " + recoveredMs + " ms after the SIGKILL");
  }

  @Test
  @Order(3)
  void aDrainLosesNoAckedPush() {
    Load load = new Load("sigterm", Map.of("a", a, "b", b));
    long termAt = System.nanoTime();
    b.process.destroy(); // SIGTERM
    assertEquals((short) 1012, load.subs.get("b").closed.join(), "the draining node's subscriber");
    FaultClient recovering = load.recover("b", a);
    long recoveredMs = msSince(termAt);
    int exit = b.awaitExit(60);
    assertTrue(exit == 0 || exit == 143, "B's exit code after SIGTERM: " + exit);
    // A alone now: B said it was leaving, so A still serves (publishes are answered ok).
    load.addPublisher(a, "pub-a-after");
    load.awaitMoreAcked(20);
    load.verify(
        List.of("a"),
        Map.of("b", recovering),
        "B's subscriber recovered on A " + recoveredMs + " ms after SIGTERM");
  }

  /** Waits for every acked push to arrive, then fails naming those that did not. */
  static void awaitNothingMissing(
      String what,
      java.util.function.Supplier<List<FaultClient.Shout>> got,
      List<FaultClient> publishers,
      String topic) {
    long deadline = System.nanoTime() + LONG.toNanos();
    while (!missing(got.get(), publishers, topic).isEmpty() && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
    }
    List<String> missing = missing(got.get(), publishers, topic);
    String kept = "";
    if (!missing.isEmpty() && topic.equals(HISTORY)) {
      // Whether the cluster kept what this subscriber never got: a lost broadcast or a lost entry.
      long first = Long.MAX_VALUE;
      for (FaultClient p : publishers) {
        for (Map.Entry<Integer, String> e : p.acked(topic).entrySet()) {
          if (missing.contains(p.name + "#" + e.getKey())) {
            first =
                Math.min(
                    first,
                    Long.parseLong(e.getValue().substring(e.getValue().lastIndexOf(':') + 1)));
          }
        }
      }
      kept = "; the history from A after " + (first - 1) + ": " + historyFromA(topic, first - 1);
    }
    assertEquals(
        List.of(), missing, what + ": acked pushes never received (" + missing.size() + ")" + kept);
  }

  /** Acked pushes of these publishers on the topic that {@code got} lacks. */
  static List<String> missing(
      List<FaultClient.Shout> got, List<FaultClient> publishers, String topic) {
    Set<String> have = new HashSet<>(keys(got));
    List<String> missing = new ArrayList<>();
    for (FaultClient p : publishers) {
      for (Integer n : p.acked(topic).keySet()) {
        if (!have.contains(p.name + "#" + n)) {
          missing.add(p.name + "#" + n);
        }
      }
    }
    return missing;
  }

  static List<String> keys(List<FaultClient.Shout> shouts) {
    return shouts.stream().map(s -> s.from() + "#" + s.n()).toList();
  }

  static void assertContiguous(List<FaultClient.Shout> got, String what) {
    for (int i = 1; i < got.size(); i++) {
      assertEquals(got.get(0).epoch(), got.get(i).epoch(), what + ": one epoch");
      assertEquals(
          got.get(i - 1).offset() + 1,
          got.get(i).offset(),
          what + ": offsets " + got.get(i - 1).offset() + " then " + got.get(i).offset());
    }
  }

  static FaultClient client(NodeProcess node, String user) {
    FaultClient client =
        FaultClient.connect(vertx, ws, node.port(), signer.issue(user, List.of(), 600), user);
    clients.add(client);
    return client;
  }

  /** A socket on a node that may still refuse upgrades (503) for a moment after a merge. */
  static FaultClient awaitAccepted(NodeProcess node, String user) {
    long deadline = System.nanoTime() + LONG.toNanos();
    while (true) {
      try {
        return client(node, user);
      } catch (RuntimeException | AssertionError refused) {
        if (System.nanoTime() > deadline) {
          throw refused;
        }
        java.util.concurrent.locks.LockSupport.parkNanos(200_000_000);
      }
    }
  }

  static String historyFromA(String topic, long since) {
    try {
      return Await.result(
              http.request(
                      new io.vertx.core.http.RequestOptions()
                          .setHost("127.0.0.1")
                          .setPort(a.port())
                          .setURI(
                              "/api/topics/"
                                  + java.net.URLEncoder.encode(
                                      topic, java.nio.charset.StandardCharsets.UTF_8)
                                  + "/history?limit=3&since="
                                  + since)
                          .putHeader("authorization", "apikey " + API_KEY))
                  .compose(req -> req.send().compose(resp -> resp.body())))
          .toString();
    } catch (RuntimeException | AssertionError e) {
      return "(unreadable: " + e + ")";
    }
  }

  static int viewOf(NodeProcess node) {
    try {
      return node.clusterSize(http);
    } catch (RuntimeException | AssertionError notYet) {
      return -1;
    }
  }

  static boolean everyViewHolds(int nodes) {
    for (NodeProcess n : List.of(a, b, c)) {
      try {
        if (n.clusterSize(http) != nodes) {
          return false;
        }
      } catch (RuntimeException | AssertionError notYet) {
        return false;
      }
    }
    return true;
  }

  static void signal(String signal, NodeProcess node) {
    try {
      int exit =
          new ProcessBuilder("kill", "-" + signal, Long.toString(node.process.pid()))
              .inheritIO()
              .start()
              .waitFor();
      if (exit != 0 && node.process.isAlive()) {
        throw new AssertionError("kill -" + signal + " failed: " + exit);
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
