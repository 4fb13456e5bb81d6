package io.switchboard.history;

import static io.switchboard.history.HistoryTest.joinWith;
import static io.switchboard.support.TestSocket.reason;
import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.switchboard.support.Await;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Idempotent publish on one node, frame by frame: a repeated {@code idempotency_key} in a push
 * payload or a backend publish is answered with the first result and publishes nothing, per user
 * and per topic; bad keys are refused. The same across two nodes is {@code
 * IdempotentPublishClusterTest}'s.
 */
class IdempotentPublishTest {
  static Vertx vertx;
  static HttpClient http;

  @BeforeAll
  static void client() {
    vertx = Vertx.vertx();
    http = vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  static JsonObject call(TestNode n, HttpMethod method, String path, String body) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(method)
            .setHost("127.0.0.1")
            .setPort(n.port())
            .setURI(path)
            .putHeader("Authorization", "apikey " + HistoryTest.KEY);
    return Await.result(
        http.request(options)
            .compose(req -> req.send(Buffer.buffer(body)))
            .compose(resp -> resp.body().map(JsonObject::new)));
  }

  static double scrape(TestNode node, String series) {
    return Scrape.value(http, node.main.metricsPort(), series);
  }

  static TestNode node() {
    return TestNode.start(c -> c.api().key(HistoryTest.KEY));
  }

  static JsonObject keyed(String key, int n) {
    return new JsonObject().put("n", n).put("idempotency_key", key);
  }

  /** Pushes and returns the reply's status and response. */
  static JsonArray push(TestSocket s, String joinRef, String ref, String topic, JsonObject p) {
    s.send(joinRef, ref, topic, "shout", p);
    return s.reply(ref);
  }

  static JsonObject response(JsonArray reply) {
    return reply.getJsonObject(4).getJsonObject("response");
  }

  /**
   * The shouts {@code watcher} got on the topic up to the marker shout {@code marker} (sent by
   * {@code by} after everything else, so that nothing sent before it can still be on its way).
   */
  static List<Integer> shoutsUntilMarker(
      TestSocket watcher, TestSocket by, String topic, int marker) {
    by.send("1", "m" + marker, topic, "shout", new JsonObject().put("n", marker));
    return watcher
        .drainUntil(
            "marker " + marker,
            a -> "shout".equals(a.getString(3)) && a.getJsonObject(4).getInteger("n") == marker)
        .stream()
        .filter(o -> o instanceof JsonArray a && "shout".equals(a.getString(3)))
        .map(o -> ((JsonArray) o).getJsonObject(4).getInteger("n"))
        .toList();
  }

  @Test
  void aRepeatedPushGetsTheFirstOffsetAndIsBroadcastOnce() {
    try (TestNode node = node();
        TestSocket alice = node.connect("alice");
        TestSocket bob = node.connect("bob")) {
      String epoch =
          joinWith(alice, "1", "room:idem", new JsonObject())
              .getJsonObject("response")
              .getString("epoch");
      bob.join("1", "room:idem");

      JsonObject first = response(push(bob, "1", "p1", "room:idem", keyed("order-7", 1)));
      assertEquals(new JsonObject().put("epoch", epoch).put("offset", 1L), first);
      // The retry of a push whose reply timed out: same key, same payload.
      JsonObject again = response(push(bob, "1", "p2", "room:idem", keyed("order-7", 1)));
      assertEquals(first.copy().put("duplicate", true), again);
      // Another user's key is its own, even when it is the same string.
      JsonObject alices = response(push(alice, "1", "p3", "room:idem", keyed("order-7", 3)));
      assertEquals(2L, alices.getLong("offset"));
      assertFalse(alices.containsKey("duplicate"));

      assertEquals(List.of(1, 3), shoutsUntilMarker(alice, bob, "room:idem", 100));
      assertEquals(1.0, scrape(node, "switchboard_history_idempotent_duplicates_total"));
    }
  }

  @Test
  void theKeyStaysInTheBroadcastPayload() {
    try (TestNode node = node();
        TestSocket alice = node.connect("alice")) {
      alice.join("1", "room:keep");
      push(alice, "1", "p1", "room:keep", keyed("k", 1));
      assertEquals(
          keyed("k", 1), alice.event("room:keep", "shout").getJsonObject(4), "byte for byte");
    }
  }

  @Test
  void onATopicWithoutHistoryARepeatIsAnsweredDuplicateAndBroadcastOnce() {
    try (TestNode node = node();
        TestSocket alice = node.connect("alice");
        TestSocket bob = node.connect("bob")) {
      alice.join("1", "presence:idem");
      bob.join("1", "presence:idem");
      assertEquals(
          new JsonObject(), response(push(bob, "1", "p1", "presence:idem", keyed("k", 1))));
      assertEquals(
          new JsonObject().put("duplicate", true),
          response(push(bob, "1", "p2", "presence:idem", keyed("k", 2))));
      push(bob, "1", "p3", "presence:idem", new JsonObject().put("n", 3)); // no key: published
      assertEquals(List.of(1, 3), shoutsUntilMarker(alice, bob, "presence:idem", 100));
    }
  }

  @Test
  void aBadKeyIsRefusedPublishesNothingAndTheSocketGoesOn() {
    try (TestNode node = node();
        TestSocket alice = node.connect("alice");
        TestSocket bob = node.connect("bob")) {
      alice.join("1", "room:badkey");
      bob.join("1", "room:badkey");
      List<Object> bad =
          List.of(
              "", 7, true, new JsonObject(), new JsonArray(), "x".repeat(129), "a\u0000b", "tab\t");
      for (int i = 0; i < bad.size(); i++) {
        JsonObject payload = new JsonObject().put("n", i).put("idempotency_key", bad.get(i));
        JsonArray reply = push(bob, "1", "b" + i, "room:badkey", payload);
        assertEquals("error", status(reply), String.valueOf(bad.get(i)));
        assertEquals("invalid idempotency key", reason(reply));
      }
      JsonObject nested = new JsonObject().put("n", 50).put("x", keyed("ignored", 0));
      assertEquals("ok", status(push(bob, "1", "ok1", "room:badkey", nested)), "nested: no key");
      assertEquals("ok", status(push(bob, "1", "ok2", "room:badkey", keyed("x".repeat(128), 51))));
      assertEquals(List.of(50, 51), shoutsUntilMarker(alice, bob, "room:badkey", 100));
    }
  }

  @Test
  void aRepeatedBackendPublishGetsTheFirstPositionAndDuplicateTrue() {
    try (TestNode node = node();
        TestSocket alice = node.connect("alice")) {
      String epoch =
          joinWith(alice, "1", "room:api-idem", new JsonObject())
              .getJsonObject("response")
              .getString("epoch");
      JsonObject body =
          new JsonObject()
              .put("topic", "room:api-idem")
              .put("event", "shout")
              .put("payload", new JsonObject().put("n", 1))
              .put("idempotency_key", "invoice-1");
      JsonObject first = call(node, HttpMethod.POST, "/api/publish", body.encode());
      assertEquals(
          new JsonObject().put("status", "ok").put("epoch", epoch).put("offset", 1L), first);
      JsonObject again = call(node, HttpMethod.POST, "/api/publish", body.encode());
      assertEquals(first.copy().put("duplicate", true), again);
      // A user pushing the backend's key is not a repeat of it.
      assertEquals(
          2L,
          response(push(alice, "1", "p1", "room:api-idem", keyed("invoice-1", 2)))
              .getLong("offset"));

      JsonObject plain = body.copy().put("topic", "presence:api-idem");
      assertEquals(
          new JsonObject().put("status", "ok"),
          call(node, HttpMethod.POST, "/api/publish", plain.encode()));
      assertEquals(
          new JsonObject().put("status", "ok").put("duplicate", true),
          call(node, HttpMethod.POST, "/api/publish", plain.encode()));

      for (Object bad : List.of("", 1, "x".repeat(129))) {
        JsonObject error =
            call(
                    node,
                    HttpMethod.POST,
                    "/api/publish",
                    body.copy().put("idempotency_key", bad).encode())
                .getJsonObject("error");
        assertEquals("invalid_request", error.getString("code"), String.valueOf(bad));
        assertEquals(
            "idempotency_key must be a string of 1 to 128 characters, with no control characters",
            error.getString("message"));
      }
      assertEquals(List.of(1, 2), shoutsUntilMarker(alice, alice, "room:api-idem", 100));
      assertEquals(2.0, scrape(node, "switchboard_history_idempotent_duplicates_total"));
    }
  }
}
