package io.switchboard.history;

import static io.switchboard.history.IdempotentPublishTest.keyed;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.support.Await;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Idempotent publish across two clustered nodes (loopback): repeats of one key sent at once to both
 * nodes, by HTTP and by the same user's sockets on each, publish once, and every answer names the
 * same position; subscribers on both nodes get each broadcast once.
 */
@Tag("cluster")
class IdempotentPublishClusterTest {
  static final int KEYS = 10;
  static TestNode a;
  static TestNode b;
  static HttpClient http;

  @BeforeAll
  static void start() {
    String name = "idempotent-publish-" + UUID.randomUUID();
    a = TestNode.startClustered(name, cfg -> cfg.api().key(HistoryTest.KEY));
    b = TestNode.startClustered(name, cfg -> cfg.api().key(HistoryTest.KEY));
    http = a.vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    for (TestNode n : new TestNode[] {b, a}) {
      if (n != null) {
        n.close();
      }
    }
  }

  static Future<JsonObject> publish(TestNode n, JsonObject body) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost("127.0.0.1")
            .setPort(n.port())
            .setURI("/api/publish")
            .putHeader("Authorization", "apikey " + HistoryTest.KEY);
    return http.request(options)
        .compose(req -> req.send(Buffer.buffer(body.encode())))
        .compose(resp -> resp.body().map(JsonObject::new));
  }

  static double duplicates() {
    String series = "switchboard_history_idempotent_duplicates_total";
    return Scrape.value(http, a.main.metricsPort(), series)
        + Scrape.value(http, b.main.metricsPort(), series);
  }

  static Predicate<JsonArray> shout(int n) {
    return f -> "shout".equals(f.getString(3)) && f.getJsonObject(4).getInteger("n") == n;
  }

  /** The n of every shout {@code s} got before the marker shout {@code marker}. */
  static List<Integer> shoutsBefore(TestSocket s, int marker) {
    return s.drainUntil("marker " + marker, shout(marker)).stream()
        .filter(o -> o instanceof JsonArray f && "shout".equals(f.getString(3)))
        .map(o -> ((JsonArray) o).getJsonObject(4).getInteger("n"))
        .sorted()
        .toList();
  }

  static List<Integer> range(int from, int to) {
    return java.util.stream.IntStream.range(from, to).boxed().toList();
  }

  @Test
  void onAHistoryTopicRepeatsOnBothNodesPublishOnceWithOnePosition() {
    double duplicatesBefore = duplicates();
    try (TestSocket alice = a.connect("alice");
        TestSocket charlie = b.connect("charlie");
        TestSocket bobOnA = a.connect("bob");
        TestSocket bobOnB = b.connect("bob")) {
      for (TestSocket s : List.of(alice, charlie, bobOnA, bobOnB)) {
        assertEquals("ok", TestSocket.status(s.join("1", "room:cl-idem")));
      }
      // Backends: each key four times at once, twice to each node.
      List<Future<JsonObject>> answers = new ArrayList<>();
      for (int i = 0; i < KEYS; i++) {
        JsonObject body =
            new JsonObject()
                .put("topic", "room:cl-idem")
                .put("event", "shout")
                .put("payload", new JsonObject().put("n", i))
                .put("idempotency_key", "api-" + i);
        for (TestNode n : List.of(a, b, a, b)) {
          answers.add(publish(n, body));
        }
      }
      for (int i = 0; i < KEYS; i++) {
        List<JsonObject> four = new ArrayList<>();
        for (int j = 0; j < 4; j++) {
          four.add(Await.result(answers.get(i * 4 + j)));
        }
        assertEquals(1, four.stream().filter(r -> !r.containsKey("duplicate")).count(), "" + four);
        for (JsonObject r : four) {
          assertEquals("ok", r.getString("status"), r.encode());
          assertEquals(four.get(0).getLong("offset"), r.getLong("offset"), "" + four);
          assertEquals(four.get(0).getString("epoch"), r.getString("epoch"), "" + four);
        }
      }
      // The same user on both nodes: each key pushed from both sockets at once.
      for (int i = 0; i < KEYS; i++) {
        JsonObject payload = keyed("push-" + i, 100 + i);
        bobOnA.send("1", "a" + i, "room:cl-idem", "shout", payload);
        bobOnB.send("1", "b" + i, "room:cl-idem", "shout", payload);
      }
      for (int i = 0; i < KEYS; i++) {
        JsonObject onA = bobOnA.reply("a" + i).getJsonObject(4);
        JsonObject onB = bobOnB.reply("b" + i).getJsonObject(4);
        assertEquals("ok", onA.getString("status"), onA.encode());
        assertEquals("ok", onB.getString("status"), onB.encode());
        JsonObject ra = onA.getJsonObject("response");
        JsonObject rb = onB.getJsonObject("response");
        assertEquals(ra.getLong("offset"), rb.getLong("offset"), ra + " " + rb);
        assertEquals(
            1, (ra.containsKey("duplicate") ? 0 : 1) + (rb.containsKey("duplicate") ? 0 : 1));
      }
      // A marker after everything: both nodes release in offset order, so nothing is still due.
      bobOnA.send("1", "m", "room:cl-idem", "shout", new JsonObject().put("n", 999));
      List<Integer> expected = new ArrayList<>(range(0, KEYS));
      expected.addAll(range(100, 100 + KEYS));
      assertEquals(expected, shoutsBefore(alice, 999), "alice, on node A");
      assertEquals(expected, shoutsBefore(charlie, 999), "charlie, on node B");
      assertEquals(
          4.0 * KEYS, duplicates() - duplicatesBefore, "3 per backend key, 1 per push key");
    }
  }

  @Test
  void onATopicWithoutHistoryRepeatsOnBothNodesPublishOnce() {
    try (TestSocket alice = a.connect("alice");
        TestSocket bobOnA = a.connect("bob");
        TestSocket bobOnB = b.connect("bob")) {
      for (TestSocket s : List.of(alice, bobOnA, bobOnB)) {
        assertEquals("ok", TestSocket.status(s.join("1", "presence:cl-idem")));
      }
      // Past node B's registration window (docs/CLUSTER.md): B's broadcasts reach alice.
      int[] probe = {10_000};
      Await.until(
          "a broadcast from node B reaches node A",
          () -> {
            int n = probe[0]++;
            bobOnB.send(
                "1", "probe" + n, "presence:cl-idem", "shout", new JsonObject().put("n", n));
            return alice.poll(shout(n), Duration.ofMillis(200)).isPresent();
          });
      for (int i = 0; i < KEYS; i++) {
        JsonObject payload = keyed("plain-" + i, i);
        bobOnA.send("1", "a" + i, "presence:cl-idem", "shout", payload);
        bobOnB.send("1", "b" + i, "presence:cl-idem", "shout", payload);
      }
      for (int i = 0; i < KEYS; i++) {
        JsonObject ra = bobOnA.reply("a" + i).getJsonObject(4).getJsonObject("response");
        JsonObject rb = bobOnB.reply("b" + i).getJsonObject(4).getJsonObject("response");
        assertEquals(
            1,
            (ra.containsKey("duplicate") ? 0 : 1) + (rb.containsKey("duplicate") ? 0 : 1),
            ra + " " + rb);
      }
      // One marker from each node: each node's broadcasts reach alice in the order it sent them.
      bobOnB.send("1", "mb", "presence:cl-idem", "shout", new JsonObject().put("n", 998));
      List<Integer> before = new ArrayList<>(shoutsBefore(alice, 998));
      alice.await("marker 998", shout(998));
      bobOnA.send("1", "ma", "presence:cl-idem", "shout", new JsonObject().put("n", 999));
      before.addAll(shoutsBefore(alice, 999));
      // Probes sent before B's broadcasts reached alice arrived in order ahead of the one seen.
      assertEquals(range(0, KEYS), before.stream().filter(n -> n < 10_000).sorted().toList());
    }
  }
}
