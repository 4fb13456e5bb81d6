package io.switchboard.presence;

import static io.switchboard.support.TestSocket.reason;
import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Presence on one node, over real sockets, frame by frame: Phoenix Presence's wire format, updates,
 * leaves, limits, coalescing, count-only rooms and the HTTP listing. The stock phoenix.js client
 * across three nodes is {@code PresenceClusterIT}'s.
 */
class PresenceTest {
  static final String KEY = "api-key-for-tests-0123456789";

  static JsonObject joinWith(TestSocket s, String joinRef, String topic, JsonObject params) {
    s.send(joinRef, joinRef, topic, "phx_join", params);
    return s.reply(joinRef).getJsonObject(4);
  }

  static JsonArray state(TestSocket s, String topic) {
    return s.event(topic, "presence_state");
  }

  static JsonObject diff(TestSocket s, String topic) {
    return s.event(topic, "presence_diff").getJsonObject(4);
  }

  static JsonArray metas(JsonObject presences, String key) {
    return presences.getJsonObject(key).getJsonArray("metas");
  }

  @Test
  void joinersGetTheStateWithTheirJoinRefThenDiffsAsBroadcasts() {
    try (TestNode node = TestNode.start();
        TestSocket alice = node.connect("alice");
        TestSocket bob = node.connect("bob")) {
      JsonObject params = new JsonObject().put("meta", new JsonObject().put("status", "away"));
      assertEquals("ok", joinWith(alice, "1", "presence:lobby", params).getString("status"));
      JsonArray aliceState = state(alice, "presence:lobby");
      assertEquals("1", aliceState.getString(0), "presence_state carries the join's join_ref");
      assertNull(aliceState.getValue(1));
      // Alice's own join reaches her either in the state or as the first diff, never both.
      JsonObject aliceSeen = aliceState.getJsonObject(4);
      if (!aliceSeen.containsKey("alice")) {
        JsonArray first = alice.event("presence:lobby", "presence_diff");
        assertNull(first.getValue(0), "diffs are broadcasts: join_ref null");
        aliceSeen = first.getJsonObject(4).getJsonObject("joins");
      }
      JsonObject meta = metas(aliceSeen, "alice").getJsonObject(0);
      assertEquals("away", meta.getString("status"));
      assertTrue(meta.getValue("online_at") instanceof Number, meta.encode());
      assertTrue(meta.getString("phx_ref").length() > 0);

      bob.join("7", "presence:lobby");
      JsonObject bobState = state(bob, "presence:lobby").getJsonObject(4);
      assertEquals(meta, metas(bobState, "alice").getJsonObject(0), "bob sees alice as she is");
      JsonObject bobJoined = diff(alice, "presence:lobby");
      assertEquals(1, metas(bobJoined.getJsonObject("joins"), "bob").size());
      assertEquals(new JsonObject(), bobJoined.getJsonObject("leaves"));
    }
  }

  @Test
  void twoSocketsOfOneUserAreOneKeyWithTwoMetas() {
    try (TestNode node = TestNode.start(c -> c.api().key(KEY));
        TestSocket phone = node.connect("carol");
        TestSocket laptop = node.connect("carol")) {
      phone.join("1", "presence:two");
      laptop.join("1", "presence:two");
      Await.until(
          "carol's two metas in the listing",
          () -> presence(node, "presence:two").getInteger("connections") == 2);
      JsonObject listed = presence(node, "presence:two");
      assertEquals(1, listed.getInteger("count"));
      JsonArray metas = metas(listed.getJsonObject("presences"), "carol");
      assertEquals(2, metas.size());
      assertNotEquals(
          metas.getJsonObject(0).getString("phx_ref"), metas.getJsonObject(1).getString("phx_ref"));
    }
  }

  @Test
  void anUpdateIsOneDiffWithTheNewMetaJoiningAndTheOldLeaving() {
    try (TestNode node = TestNode.start();
        TestSocket dave = node.connect("dave");
        TestSocket watcher = node.connect("erin")) {
      watcher.join("1", "presence:upd");
      state(watcher, "presence:upd");
      dave.join("1", "presence:upd");
      JsonObject joined = diffWith(watcher, "presence:upd", "dave", "joins");
      String firstRef =
          metas(joined.getJsonObject("joins"), "dave").getJsonObject(0).getString("phx_ref");

      dave.send(
          "1",
          "u",
          "presence:upd",
          "presence_update",
          new JsonObject().put("meta", new JsonObject().put("typing", true)));
      assertEquals("ok", status(dave.reply("u")));
      JsonObject update = diffWith(watcher, "presence:upd", "dave", "leaves");
      JsonObject now = metas(update.getJsonObject("joins"), "dave").getJsonObject(0);
      JsonObject was = metas(update.getJsonObject("leaves"), "dave").getJsonObject(0);
      assertEquals(true, now.getBoolean("typing"));
      assertEquals(firstRef, now.getString("phx_ref_prev"));
      assertEquals(firstRef, was.getString("phx_ref"));
      assertNotEquals(firstRef, now.getString("phx_ref"));
      assertEquals(was.getValue("online_at"), now.getValue("online_at"), "online_at is kept");

      dave.send("1", "bad", "presence:upd", "presence_update", new JsonObject().put("meta", "x"));
      assertEquals("invalid presence meta", reason(dave.reply("bad")));
    }
  }

  /** The next diff that mentions {@code key} under {@code side} (joins or leaves). */
  static JsonObject diffWith(TestSocket s, String topic, String key, String side) {
    return s.await(
            side + " of " + key + " on " + topic,
            f ->
                topic.equals(f.getString(2))
                    && "presence_diff".equals(f.getString(3))
                    && f.getJsonObject(4).getJsonObject(side).containsKey(key))
        .getJsonObject(4);
  }

  @Test
  void leaveAndCloseUntrackAtOnceAndARejoinGetsFreshState() {
    try (TestNode node = TestNode.start();
        TestSocket frank = node.connect("frank");
        TestSocket watcher = node.connect("gina")) {
      watcher.join("1", "presence:lv");
      frank.join("1", "presence:lv");
      diffWith(watcher, "presence:lv", "frank", "joins");

      frank.send("1", "l", "presence:lv", "phx_leave", new JsonObject());
      assertEquals("ok", status(frank.reply("l")));
      diffWith(watcher, "presence:lv", "frank", "leaves");

      // A rejoin after a reconnect: a new socket, a new join_ref, a state with no ghost of the old.
      frank.close();
      try (TestSocket again = node.connect("frank")) {
        again.join("3", "presence:lv");
        JsonArray fresh = state(again, "presence:lv");
        assertEquals("3", fresh.getString(0));
        assertFalse(
            fresh.getJsonObject(4).containsKey("frank")
                && metas(fresh.getJsonObject(4), "frank").size() > 1,
            "no duplicate of the old socket's presence: " + fresh.encode());
        diffWith(watcher, "presence:lv", "frank", "joins");
      }
      diffWith(watcher, "presence:lv", "frank", "leaves");
    }
  }

  @Test
  void aUserWideDisconnectUntracksEverySocketOfTheUser() {
    try (TestNode node = TestNode.start(c -> c.api().key(KEY));
        TestSocket phone = node.connect("hank");
        TestSocket laptop = node.connect("hank");
        TestSocket watcher = node.connect("ivy")) {
      watcher.join("1", "presence:dc");
      phone.join("1", "presence:dc");
      laptop.join("1", "presence:dc");
      diffWith(watcher, "presence:dc", "hank", "joins"); // else join and leave may cancel out
      Await.until(
          "hank's two sockets tracked",
          () -> presence(node, "presence:dc").getInteger("connections") == 3);
      HttpClient http = node.vertx.createHttpClient();
      RequestOptions options =
          new RequestOptions()
              .setMethod(HttpMethod.POST)
              .setHost("127.0.0.1")
              .setPort(node.port())
              .setURI("/api/disconnect")
              .putHeader("Authorization", "apikey " + KEY);
      int status =
          Await.result(
              http.request(options)
                  .compose(req -> req.send(new JsonObject().put("user", "hank").encode()))
                  .map(r -> r.statusCode()));
      http.close();
      assertEquals(200, status);
      assertEquals(1001, phone.closeCode());
      assertEquals(1001, laptop.closeCode());
      Await.until(
          "hank gone from the watcher's topic",
          () -> !presence(node, "presence:dc").getJsonObject("presences").containsKey("hank"));
      diffWith(watcher, "presence:dc", "hank", "leaves");
    }
  }

  @Test
  void limitsGiveClearErrorsAndTheRefusedJoinIsNotJoined() {
    try (TestNode node = TestNode.start(c -> c.presence().maxPerTopic(2).maxMetaBytes(64));
        TestSocket a = node.connect("a");
        TestSocket b = node.connect("b");
        TestSocket c = node.connect("c")) {
      String big = "x".repeat(100);
      JsonObject tooBig =
          joinWith(
              a,
              "1",
              "presence:full",
              new JsonObject().put("meta", new JsonObject().put("bio", big)));
      assertEquals("presence meta too large", tooBig.getJsonObject("response").getString("reason"));
      JsonObject reserved =
          joinWith(
              a,
              "2",
              "presence:full",
              new JsonObject().put("meta", new JsonObject().put("phx_ref", "mine")));
      assertEquals("invalid presence meta", reserved.getJsonObject("response").getString("reason"));
      JsonObject notObject = joinWith(a, "3", "presence:full", new JsonObject().put("meta", 5));
      assertEquals(
          "invalid presence meta", notObject.getJsonObject("response").getString("reason"));

      a.join("4", "presence:full");
      b.join("1", "presence:full");
      JsonObject third = joinWith(c, "1", "presence:full", new JsonObject());
      assertEquals("error", third.getString("status"));
      assertEquals("presence full", third.getJsonObject("response").getString("reason"));
      // Not joined: a push on the topic is refused as unmatched.
      c.send("1", "p", "presence:full", "shout", new JsonObject());
      assertEquals("unmatched topic", reason(c.reply("p")));
      assertTrue(scrape(node, "switchboard_presence_refused_total{reason=\"presence_full\"}") >= 1);
    }
  }

  @Test
  void aJoinStormReachesAWatcherAsFewDiffsCarryingEveryJoin() {
    int joiners = 40;
    try (TestNode node = TestNode.start(c -> c.presence().diffIntervalMs(500));
        TestSocket watcher = node.connect("watcher")) {
      watcher.join("1", "presence:storm");
      state(watcher, "presence:storm");
      List<TestSocket> storm = new ArrayList<>();
      try {
        for (int i = 0; i < joiners; i++) {
          TestSocket s = node.connect("user" + i);
          storm.add(s);
          s.send("1", "1", "presence:storm", "phx_join", new JsonObject());
        }
        storm.forEach(s -> assertEquals("ok", status(s.reply("1"))));
        int diffs = 0;
        JsonObject seen = new JsonObject();
        while (seen.size() < joiners) {
          JsonObject d = diff(watcher, "presence:storm");
          diffs++;
          d.getJsonObject("joins").forEach(e -> seen.put(e.getKey(), e.getValue()));
        }
        assertEquals(joiners, seen.size());
        // 40 joins made back to back over loopback: a 500 ms interval gathers them into a few
        // diffs (Phoenix would send 40).
        assertTrue(diffs <= joiners / 5, diffs + " diffs for " + joiners + " joins");
      } finally {
        storm.forEach(TestSocket::close);
      }
    }
  }

  @Test
  void aCountOnlyRoomPushesCountsInsteadOfLists() {
    try (TestNode node =
            TestNode.start(
                c -> c.addChannel("arena:*", "broadcast", "authenticated").presence("count"));
        TestSocket a = node.connect("a");
        TestSocket b = node.connect("b")) {
      a.join("1", "arena:big");
      JsonArray first = a.event("arena:big", "presence_count");
      assertEquals("1", first.getString(0));
      b.join("1", "arena:big");
      assertEquals(
          2,
          a.await(
                  "a count of 2",
                  f ->
                      "presence_count".equals(f.getString(3))
                          && f.getJsonObject(4).getInteger("count") == 2)
              .getJsonObject(4)
              .getInteger("count"));
      assertTrue(
          a.poll(
                  f ->
                      "presence_diff".equals(f.getString(3))
                          || "presence_state".equals(f.getString(3)),
                  java.time.Duration.ofMillis(200))
              .isEmpty(),
          "no lists in a count-only room");
    }
  }

  @Test
  void noPresenceSurvivesItsSocketAfterChurn() {
    try (TestNode node = TestNode.start(c -> c.api().key(KEY))) {
      for (int round = 0; round < 5; round++) {
        List<TestSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          TestSocket s = node.connect("churn" + i);
          sockets.add(s);
          s.join("1", "presence:churn");
          if (i % 2 == 0) {
            s.join("2", "presence:churn"); // a rejoin replaces the presence, never adds one
          }
          if (i % 3 == 0) {
            s.send("2", "l", "presence:churn", "phx_leave", new JsonObject());
          }
        }
        sockets.forEach(TestSocket::close);
      }
      Await.until(
          "every presence gone with its socket",
          () -> {
            JsonObject l = presence(node, "presence:churn");
            return l.getInteger("connections") == 0 && l.getJsonObject("presences").isEmpty();
          });
      Await.until(
          "the node's presence gauge back at 0",
          () -> scrape(node, "switchboard_presences") == 0.0);
    }
  }

  static double scrape(TestNode node, String series) {
    HttpClient http = node.vertx.createHttpClient();
    try {
      return Scrape.value(http, node.main.metricsPort(), series);
    } finally {
      http.close();
    }
  }

  static JsonObject presence(TestNode node, String topic) {
    HttpClient http = node.vertx.createHttpClient();
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost("127.0.0.1")
            .setPort(node.port())
            .setURI("/api/topics/" + topic + "/presence")
            .putHeader("Authorization", "apikey " + KEY);
    Buffer body =
        Await.result(http.request(options).compose(req -> req.send().compose(r -> r.body())));
    http.close();
    return new JsonObject(body);
  }
}
