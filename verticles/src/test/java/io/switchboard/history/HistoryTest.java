package io.switchboard.history;

import static io.switchboard.support.TestSocket.reason;
import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

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
 * History and recovery on one node, frame by frame: positions in join replies, push replies and
 * broadcast refs, all-or-nothing recovery, its bounds, and the HTTP history. The stock phoenix.js
 * client across nodes, drains and SIGKILL is {@code HistoryClusterIT}'s.
 */
class HistoryTest {
  static final String KEY = "api-key-for-tests-0123456789";
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

  static TestNode node() {
    return TestNode.start(
        c -> {
          c.api().key(KEY);
          c.history().maxReplay(20);
          c.channel("chat:*").history(10, 300);
        });
  }

  static JsonObject joinWith(TestSocket s, String ref, String topic, JsonObject params) {
    s.send(ref, ref, topic, "phx_join", params);
    return s.reply(ref).getJsonObject(4);
  }

  static JsonObject recover(String epoch, long offset) {
    return new JsonObject()
        .put("recover", new JsonObject().put("epoch", epoch).put("offset", offset));
  }

  /** Pushes {@code n} shouts and waits for each reply; returns the last reply's response. */
  static JsonObject shout(TestSocket s, String joinRef, String topic, int from, int n) {
    JsonObject last = null;
    for (int i = from; i < from + n; i++) {
      s.send(joinRef, "p" + i, topic, "shout", new JsonObject().put("n", i));
      JsonArray reply = s.reply("p" + i);
      assertEquals("ok", status(reply), reply.encode());
      last = reply.getJsonObject(4).getJsonObject("response");
    }
    return last;
  }

  /** The next {@code n} shouts on the topic, by their payload's n and their ref. */
  static List<JsonArray> shouts(TestSocket s, String topic, int n) {
    return java.util.stream.IntStream.range(0, n).mapToObj(i -> s.event(topic, "shout")).toList();
  }

  @Test
  void broadcastsCarryTheirPositionAndJoinAndPushRepliesSayWhere() {
    try (TestNode node = node();
        TestSocket alice = node.connect("alice");
        TestSocket bob = node.connect("bob")) {
      JsonObject joined = joinWith(alice, "1", "room:pos", new JsonObject());
      assertEquals("ok", joined.getString("status"));
      JsonObject at = joined.getJsonObject("response");
      String epoch = at.getString("epoch");
      assertEquals(0L, at.getLong("offset"), "a new topic's stream is empty");
      assertFalse(at.containsKey("recovered"), "only a join that asks to recover is told");
      assertFalse(epoch.isEmpty() || epoch.contains(":"), epoch);
      bob.join("1", "room:pos");

      JsonObject pushed = shout(bob, "1", "room:pos", 1, 3);
      assertEquals(new JsonObject().put("epoch", epoch).put("offset", 3L), pushed);
      List<JsonArray> got = shouts(alice, "room:pos", 3);
      for (int i = 0; i < 3; i++) {
        assertNull(got.get(i).getValue(0), "a broadcast: join_ref null");
        assertEquals(epoch + ":" + (i + 1), got.get(i).getString(1), "ref slot: epoch:offset");
        assertEquals(i + 1, got.get(i).getJsonObject(4).getInteger("n"));
      }
    }
  }

  @Test
  void aRejoinWithItsPositionGetsEverythingMissedInOrderThenLive() {
    try (TestNode node = node();
        TestSocket bob = node.connect("bob")) {
      bob.join("1", "room:rec");
      JsonObject at;
      try (TestSocket alice = node.connect("alice")) {
        at = joinWith(alice, "1", "room:rec", new JsonObject()).getJsonObject("response");
        shout(bob, "1", "room:rec", 1, 2);
        assertEquals(
            at.getString("epoch") + ":2", shouts(alice, "room:rec", 2).get(1).getString(1));
      }
      // alice saw offset 2 and went away; 15 more are published meanwhile.
      shout(bob, "1", "room:rec", 3, 15);
      try (TestSocket alice = node.connect("alice")) {
        JsonObject reply = joinWith(alice, "5", "room:rec", recover(at.getString("epoch"), 2));
        assertEquals("ok", reply.getString("status"), reply.encode());
        JsonObject response = reply.getJsonObject("response");
        assertEquals(true, response.getBoolean("recovered"));
        assertEquals(17L, response.getLong("offset"));
        shout(bob, "1", "room:rec", 18, 1); // live, published after the join
        List<JsonArray> got = shouts(alice, "room:rec", 16);
        for (int i = 0; i < 16; i++) {
          assertEquals(i + 3, got.get(i).getJsonObject(4).getInteger("n"), "in order, no gap");
          assertEquals(at.getString("epoch") + ":" + (i + 3), got.get(i).getString(1));
        }
        assertEquals(1.0, scrape(node, "switchboard_history_recoveries_total{recovered=\"true\"}"));
        assertEquals(15.0, scrape(node, "switchboard_history_replayed_total"));
      }
    }
  }

  @Test
  void aStalePositionGetsRecoveredFalseAndNoReplay() {
    try (TestNode node = node();
        TestSocket bob = node.connect("bob")) {
      JsonObject at = joinWith(bob, "1", "chat:stale", new JsonObject()).getJsonObject("response");
      shout(bob, "1", "chat:stale", 1, 12); // chat:* keeps 10: offsets 1 and 2 are gone
      try (TestSocket alice = node.connect("alice")) {
        String epoch = at.getString("epoch");
        assertNotRecovered(alice, "2", "chat:stale", recover(epoch, 1), bob, 100);
        assertNotRecovered(alice, "3", "chat:stale", recover("another-epoch", 11), bob, 101);
        // 14 published (two markers), 5..14 kept: 4 is the oldest position it can bring up to date.
        JsonObject ok = joinWith(alice, "4", "chat:stale", recover(epoch, 4));
        assertEquals(true, ok.getJsonObject("response").getBoolean("recovered"));
        assertEquals(5, shouts(alice, "chat:stale", 1).get(0).getJsonObject(4).getInteger("n"));
      }
    }
  }

  @Test
  void moreMissedThanMaxReplayIsNotRecovered() {
    try (TestNode node = node();
        TestSocket bob = node.connect("bob")) {
      String epoch =
          joinWith(bob, "1", "room:many", new JsonObject())
              .getJsonObject("response")
              .getString("epoch");
      shout(bob, "1", "room:many", 1, 21); // history.maxReplay is 20; room:* keeps 100
      try (TestSocket alice = node.connect("alice")) {
        assertNotRecovered(alice, "2", "room:many", recover(epoch, 0), bob, 200);
        // 22 published (one marker): from 2, exactly 20 are missing.
        JsonObject ok = joinWith(alice, "3", "room:many", recover(epoch, 2));
        assertEquals(true, ok.getJsonObject("response").getBoolean("recovered"));
        assertEquals(
            1.0, scrape(node, "switchboard_history_recoveries_total{recovered=\"false\"}"));
      }
    }
  }

  /**
   * The join is answered {@code recovered: false} and the first shout after it is the live one
   * {@code bob} sends next (so nothing was replayed).
   */
  static void assertNotRecovered(
      TestSocket alice, String ref, String topic, JsonObject params, TestSocket bob, int marker) {
    JsonObject reply = joinWith(alice, ref, topic, params);
    assertEquals("ok", reply.getString("status"), reply.encode());
    assertEquals(false, reply.getJsonObject("response").getBoolean("recovered"), reply.encode());
    shout(bob, "1", topic, marker, 1);
    assertEquals(marker, alice.event(topic, "shout").getJsonObject(4).getInteger("n"));
  }

  @Test
  void aBadRecoverParamIsRefusedAndTheSocketGoesOn() {
    try (TestNode node = node();
        TestSocket alice = node.connect("alice")) {
      for (Object bad :
          List.of(
              "x",
              new JsonObject().put("epoch", "e"),
              new JsonObject().put("epoch", 1).put("offset", 1),
              new JsonObject().put("epoch", "e").put("offset", -1),
              new JsonObject().put("epoch", "e").put("offset", 1.5))) {
        alice.send("1", "1", "room:bad", "phx_join", new JsonObject().put("recover", bad));
        JsonArray reply = alice.reply("1");
        assertEquals("error", status(reply), bad.toString());
        assertEquals("invalid recover", reason(reply));
      }
      assertEquals("ok", status(alice.join("2", "room:bad")));
    }
  }

  @Test
  void topicsWithoutHistoryAreUnchanged() {
    try (TestNode node = node();
        TestSocket alice = node.connect("alice")) {
      JsonObject joined = joinWith(alice, "1", "presence:plain", new JsonObject());
      assertEquals(new JsonObject(), joined.getJsonObject("response"));
      alice.send("1", "2", "presence:plain", "shout", new JsonObject());
      assertEquals(new JsonObject(), alice.reply("2").getJsonObject(4).getJsonObject("response"));
      assertNull(alice.event("presence:plain", "shout").getValue(1), "no ref slot");
    }
  }

  @Test
  void backendsPublishWithAPositionAndReadTheHistory() {
    try (TestNode node = node();
        TestSocket alice = node.connect("alice")) {
      String epoch =
          joinWith(alice, "1", "room:api", new JsonObject())
              .getJsonObject("response")
              .getString("epoch");
      for (int i = 1; i <= 3; i++) {
        JsonObject r =
            call(
                node,
                HttpMethod.POST,
                "/api/publish",
                new JsonObject()
                    .put("topic", "room:api")
                    .put("event", "news")
                    .put("payload", new JsonObject().put("i", i))
                    .encode());
        assertEquals(
            new JsonObject().put("status", "ok").put("epoch", epoch).put("offset", (long) i), r);
      }
      for (int i = 1; i <= 3; i++) {
        assertEquals(epoch + ":" + i, alice.event("room:api", "news").getString(1));
      }

      JsonObject page =
          call(node, HttpMethod.GET, "/api/topics/room:api/history?since=1&limit=1", null);
      assertEquals(epoch, page.getString("epoch"));
      assertEquals(3L, page.getLong("offset"));
      assertEquals(1L, page.getLong("first"));
      assertEquals(
          new JsonArray()
              .add(
                  new JsonObject()
                      .put("offset", 2L)
                      .put("event", "news")
                      .put("payload", new JsonObject().put("i", 2))),
          page.getJsonArray("publications"));
      assertEquals(
          3,
          call(node, HttpMethod.GET, "/api/topics/room:api/history", null)
              .getJsonArray("publications")
              .size());
      assertEquals(
          "no_history",
          call(node, HttpMethod.GET, "/api/topics/presence:x/history", null)
              .getJsonObject("error")
              .getString("code"));
      assertEquals(
          "invalid_request",
          call(node, HttpMethod.GET, "/api/topics/room:api/history?limit=0", null)
              .getJsonObject("error")
              .getString("code"));
    }
  }

  static double scrape(TestNode node, String series) {
    return Scrape.value(http, node.main.metricsPort(), series);
  }

  static JsonObject call(TestNode n, HttpMethod method, String path, String body) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(method)
            .setHost("127.0.0.1")
            .setPort(n.port())
            .setURI(path)
            .putHeader("Authorization", "apikey " + KEY);
    return Await.result(
        http.request(options)
            .compose(
                req ->
                    (body == null ? req.send() : req.send(Buffer.buffer(body)))
                        .compose(resp -> resp.body().map(JsonObject::new))));
  }
}
