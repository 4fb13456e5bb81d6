package io.switchboard.socket;

import static io.switchboard.support.LongPollClient.frame;
import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Jwts;
import io.switchboard.support.LongPollClient;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The long-poll transport as phoenix.js's {@code LongPoll} speaks it, against a real node (two
 * socket verticle instances, so polls also land on the instance that does not hold the session and
 * are forwarded over the event bus).
 */
class LongPollTest {
  private static final HttpClient HTTP = LongPollClient.newHttpClient();

  @Test
  void openingAnswers410WithASessionToken() {
    try (TestNode node = TestNode.start()) {
      LongPollClient lp = new LongPollClient(HTTP, node.port());
      JsonObject opened = lp.open(node.token("alice"));
      assertEquals(200, lp.lastHttpStatus);
      assertEquals(410, opened.getInteger("status"));
      assertTrue(opened.getString("token").startsWith("lp1."), opened.encode());
      assertEquals(new JsonArray(), opened.getJsonArray("messages"));
    }
  }

  @Test
  void aBadUserTokenIs403() {
    try (TestNode node = TestNode.start()) {
      LongPollClient lp = new LongPollClient(HTTP, node.port());
      assertEquals(403, lp.open("not-a-jwt").getInteger("status"));
      assertEquals(403, lp.get("?vsn=2.0.0").getInteger("status"), "no token at all");
    }
  }

  @Test
  void joinPushAndBroadcastReachBothALongPollAndAWebSocketClient() {
    try (TestNode node = TestNode.start();
        TestSocket bob = node.connect("bob")) {
      LongPollClient alice = new LongPollClient(HTTP, node.port());
      alice.open(node.token("alice"));
      assertEquals(
          200,
          alice
              .post(frame("1", "1", "room:lp", "phx_join", new JsonObject()))
              .getInteger("status"));
      assertEquals("ok", status(alice.reply("1")));
      assertEquals("ok", status(bob.join("1", "room:lp")));

      alice.post(frame("1", "2", "room:lp", "message", new JsonObject().put("body", "from lp")));
      assertEquals("ok", status(alice.reply("2")));
      JsonArray atBob = bob.await("alice's message", f -> "message".equals(f.getString(3)));
      assertEquals("from lp", atBob.getJsonObject(4).getString("body"));

      bob.send("1", "2", "room:lp", "message", new JsonObject().put("body", "from ws"));
      JsonArray atAlice =
          alice.await(
              "bob's message",
              f ->
                  "message".equals(f.getString(3))
                      && "from ws".equals(f.getJsonObject(4).getString("body")));
      assertNull(atAlice.getValue(0), "a broadcast has no join_ref");
    }
  }

  /**
   * Each request on a connection of its own: Vert.x hands new connections to the two socket
   * verticle instances in turn, so half of them reach the instance without the session, which
   * forwards them to the one with it.
   */
  @Test
  void requestsOnOtherConnectionsReachTheSessionWhicheverInstanceTakesThem() {
    try (TestNode node = TestNode.start()) {
      LongPollClient opener = new LongPollClient(HTTP, node.port());
      opener.open(node.token("alice"));
      for (int i = 1; i <= 4; i++) {
        String ref = String.valueOf(i);
        LongPollClient poster = opener.via(LongPollClient.newHttpClient(), node.port());
        assertEquals(
            200,
            poster
                .post(frame(null, ref, "phoenix", "heartbeat", new JsonObject()))
                .getInteger("status"));
        LongPollClient poller = opener.via(LongPollClient.newHttpClient(), node.port());
        assertEquals("ok", status(poller.reply(ref)));
      }
    }
  }

  /** vsn=1.0.0 over long-poll, as Phoenix serves it: V1 objects both ways, broadcasts included. */
  @Test
  void aV1ClientSpeaksObjectsOverLongPoll() {
    try (TestNode node = TestNode.start(c -> c.longPoll().windowMs(300));
        TestSocket bob = node.connect("bob")) {
      LongPollClient lp = new LongPollClient(HTTP, node.port());
      JsonObject opened =
          lp.get(
              "?vsn=1.0.0&token="
                  + java.net.URLEncoder.encode(
                      node.token("alice"), java.nio.charset.StandardCharsets.UTF_8));
      assertEquals(410, opened.getInteger("status"));
      lp.session = opened.getString("token");
      JsonObject join =
          new JsonObject()
              .put("join_ref", "1")
              .put("ref", "1")
              .put("topic", "room:v1lp")
              .put("event", "phx_join")
              .put("payload", new JsonObject());
      assertEquals(200, lp.post(join.encode()).getInteger("status"));
      assertEquals("ok", status(bob.join("1", "room:v1lp")));
      bob.send("1", "2", "room:v1lp", "shout", new JsonObject().put("body", "to v1"));
      List<JsonObject> got = new ArrayList<>();
      for (int polls = 0;
          polls < 20 && got.stream().noneMatch(f -> "shout".equals(f.getString("event")));
          polls++) {
        for (Object m : lp.poll().getJsonArray("messages", new JsonArray())) {
          got.add(new JsonObject((String) m));
        }
      }
      JsonObject reply = got.get(0);
      assertEquals("phx_reply", reply.getString("event"), got.toString());
      assertEquals("ok", reply.getJsonObject("payload").getString("status"));
      JsonObject shout =
          got.stream().filter(f -> "shout".equals(f.getString("event"))).findFirst().orElseThrow();
      assertEquals("to v1", shout.getJsonObject("payload").getString("body"));
    }
  }

  @Test
  void aPollWithNothingToDeliverIsAnswered204AfterTheWindow() {
    try (TestNode node = TestNode.start(c -> c.longPoll().windowMs(200))) {
      LongPollClient lp = new LongPollClient(HTTP, node.port());
      lp.open(node.token("alice"));
      JsonObject polled = lp.poll();
      assertEquals(204, polled.getInteger("status"));
      assertEquals(lp.session, polled.getString("token"));
    }
  }

  @Test
  void forgedUnknownOrMissingSessionTokensAreGone() {
    try (TestNode node = TestNode.start(c -> c.longPoll().windowMs(200))) {
      LongPollClient lp = new LongPollClient(HTTP, node.port());
      lp.open(node.token("alice"));
      String real = lp.session;
      String[] parts = real.split("\\.", -1);
      List<String> forged =
          List.of(
              // Another first character of the MAC (a fixed "A" was the real one in 1 of 64 runs).
              parts[0]
                  + "."
                  + parts[1]
                  + "."
                  + parts[2]
                  + "."
                  + (parts[3].charAt(0) == 'A' ? "B" : "A")
                  + parts[3].substring(1),
              parts[0] + "." + parts[1] + ".another-session." + parts[3],
              "lp1.no-such-instance." + parts[2] + "." + parts[3],
              "lp1.garbage");
      for (String token : forged) {
        lp.session = token;
        JsonObject polled = lp.poll();
        assertEquals(410, polled.getInteger("status"), token);
        assertNull(polled.getString("token"), "no new session for " + token);
        assertEquals(
            410,
            lp.post(frame(null, "1", "phoenix", "heartbeat", new JsonObject()))
                .getInteger("status"));
      }
      lp.session = real;
      assertEquals(204, lp.poll().getInteger("status"), "the real session is untouched");
    }
  }

  @Test
  void aBatchIsHandledInOrderAndOneOver100FramesIsRefusedWhole() {
    try (TestNode node = TestNode.start()) {
      LongPollClient lp = new LongPollClient(HTTP, node.port());
      lp.open(node.token("alice"));
      List<String> batch = new ArrayList<>();
      batch.add(frame("1", "1", "room:batch", "phx_join", new JsonObject()));
      for (int i = 2; i <= 100; i++) {
        batch.add(frame(null, String.valueOf(i), "phoenix", "heartbeat", new JsonObject()));
      }
      assertEquals(200, lp.post(batch).getInteger("status"));
      List<String> refs = new ArrayList<>();
      while (refs.size() < 100) {
        JsonArray reply = lp.await("a reply", f -> "phx_reply".equals(f.getString(3)));
        refs.add(reply.getString(1));
      }
      List<String> expected = new ArrayList<>();
      for (int i = 1; i <= 100; i++) {
        expected.add(String.valueOf(i));
      }
      assertEquals(expected, refs, "replies in the order the frames were sent");

      List<String> tooMany = new ArrayList<>();
      for (int i = 0; i < 101; i++) {
        tooMany.add(frame(null, "x" + i, "phoenix", "heartbeat", new JsonObject()));
      }
      assertEquals(413, lp.post(tooMany).getInteger("status"));
      assertEquals(413, lp.lastHttpStatus);
      assertEquals(
          200,
          lp.post(frame(null, "after", "phoenix", "heartbeat", new JsonObject()))
              .getInteger("status"));
      assertEquals("after", lp.reply("after").getString(1), "none of the 101 was handled");
    }
  }

  /**
   * phoenix.js's LongPoll POSTs binary frames base64-encoded, but JSON-parses every message it
   * polls: binary frames reach WebSocket clients and are left out of polls.
   */
  /** Malformed input gets 400 and handles nothing: a broken escape, a body that is not UTF-8. */
  @Test
  void malformedRequestsAre400AndTheSessionStaysUsable() throws Exception {
    try (TestNode node = TestNode.start(c -> c.longPoll().windowMs(200))) {
      LongPollClient lp = new LongPollClient(HTTP, node.port());
      lp.open(node.token("alice"));
      io.switchboard.support.RawHttp.Answer broken =
          io.switchboard.support.RawHttp.exchange(
              node.port(),
              io.switchboard.support.RawHttp.get(
                  "/socket/longpoll?vsn=2.0.0&token=%ZZ", node.port()));
      assertEquals(400, broken.status());
      assertEquals(400, new JsonObject(broken.body()).getInteger("status"));
      byte[] notUtf8 = {'[', 'n', 'u', 'l', 'l', ',', '"', (byte) 0xC3, (byte) 0x28, '"', ']'};
      HttpResponse<String> refused =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + node.port()
                              + "/socket/longpoll?vsn=2.0.0&token="
                              + java.net.URLEncoder.encode(
                                  lp.session, java.nio.charset.StandardCharsets.UTF_8)))
                  .header("Content-Type", "application/x-ndjson")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(notUtf8))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(400, refused.statusCode());
      assertEquals(400, new JsonObject(refused.body()).getInteger("status"));
      lp.post(frame(null, "after", "phoenix", "heartbeat", new JsonObject()));
      assertEquals("ok", status(lp.reply("after")));
    }
  }

  @Test
  void binaryPushesArriveAndBinaryFramesAreLeftOutOfPolls() {
    try (TestNode node = TestNode.start(c -> c.longPoll().windowMs(300));
        TestSocket bob = node.connect("bob")) {
      assertEquals("ok", status(bob.join("1", "room:bin")));
      LongPollClient lp = new LongPollClient(HTTP, node.port());
      lp.open(node.token("alice"));
      lp.post(frame("1", "1", "room:bin", "phx_join", new JsonObject()));
      assertEquals("ok", status(lp.reply("1")));
      // V2 binary push: kind 0, then the sizes of join_ref, ref, topic, event, then those, payload.
      java.io.ByteArrayOutputStream push = new java.io.ByteArrayOutputStream();
      push.write(0);
      for (String field : List.of("1", "2", "room:bin", "message")) {
        push.write(field.length());
      }
      for (String field : List.of("1", "2", "room:bin", "message")) {
        push.writeBytes(field.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      push.writeBytes(new byte[] {1, 2, 3});
      String line = java.util.Base64.getEncoder().encodeToString(push.toByteArray());
      assertEquals(200, lp.post(line).getInteger("status"));
      io.vertx.core.buffer.Buffer atBob = bob.awaitBinary("alice's binary broadcast");
      assertEquals(2, atBob.getByte(0), "kind 2: broadcast");
      assertEquals(3, atBob.getByte(atBob.length() - 1));
      // Alice's reply is text; her own broadcast, binary, is not polled.
      assertEquals("ok", status(lp.reply("2")));
      lp.post(frame(null, "marker", "phoenix", "heartbeat", new JsonObject()));
      lp.reply("marker");
      for (JsonObject answer = lp.poll(); answer.getInteger("status") == 200; answer = lp.poll()) {
        for (Object m : answer.getJsonArray("messages")) {
          assertTrue(((String) m).startsWith("["), "only JSON frames: " + m);
        }
      }
    }
  }

  @Test
  void theNodeCountsItsSessionsPollsAndForwardedRequests() {
    try (TestNode node = TestNode.start(c -> c.longPoll().windowMs(100))) {
      io.vertx.core.http.HttpClient http = node.vertx.createHttpClient();
      int metrics = node.main.metricsPort();
      LongPollClient lp = new LongPollClient(HTTP, node.port());
      lp.open(node.token("alice"));
      assertEquals(1.0, Scrape.value(http, metrics, "switchboard_longpoll_sessions"));
      assertEquals(1.0, Scrape.value(http, metrics, "websocket_connections"), "one connection");
      for (int i = 0; i < 4; i++) {
        assertEquals(
            204, lp.via(LongPollClient.newHttpClient(), node.port()).poll().getInteger("status"));
      }
      assertEquals(
          4.0, Scrape.value(http, metrics, "switchboard_longpoll_polls_total{answer=\"empty\"}"));
      assertTrue(
          Scrape.value(http, metrics, "switchboard_longpoll_forwarded_total") >= 1.0,
          "four connections, two instances: some polls were forwarded");
    }
  }

  @Test
  void anUnpolledSessionIsReapedAndLeavesItsChannelsAndPresence() {
    try (TestNode node = TestNode.start(c -> c.longPoll().idleTimeoutMs(500));
        TestSocket bob = node.connect("bob")) {
      assertEquals("ok", status(bob.join("1", "presence:reap")));
      LongPollClient alice = new LongPollClient(HTTP, node.port());
      alice.open(node.token("alice"));
      alice.post(frame("1", "1", "presence:reap", "phx_join", new JsonObject()));
      assertEquals("ok", status(alice.reply("1")));
      bob.await(
          "alice joining",
          f ->
              "presence_diff".equals(f.getString(3))
                  && f.getJsonObject(4).getJsonObject("joins").containsKey("alice"));
      // Alice stops polling: the session is reaped, her presence leaves.
      bob.await(
          "alice leaving",
          f ->
              "presence_diff".equals(f.getString(3))
                  && f.getJsonObject(4).getJsonObject("leaves").containsKey("alice"));
      JsonObject late = alice.poll();
      assertEquals(410, late.getInteger("status"));
    }
  }

  /**
   * Token expiry as on a socket: the channel is told ({@code system}), the session closes, and the
   * poll after the last frames says it is gone. Leeway 0: the token dies at its {@code exp}, 2 s
   * ahead; the test waits for the frames, never for time.
   */
  @Test
  void anExpiredTokensSessionIsToldThenGone() {
    try (TestNode node = TestNode.start(c -> c.auth().leewaySeconds(0).closeOnExpiry(true))) {
      LongPollClient lp = new LongPollClient(HTTP, node.port());
      lp.open(Jwts.expiringAt("erin", Jwts.nowSeconds() + 2));
      lp.post(frame("1", "1", "room:expiry", "phx_join", new JsonObject()));
      assertEquals("ok", status(lp.reply("1")));
      JsonArray notice = lp.event("room:expiry", "system");
      assertEquals("1", notice.getString(0), "pushed on the joined channel");
      JsonObject last = lp.poll();
      for (int polls = 0; polls < 20 && last.getInteger("status") != 410; polls++) {
        last = lp.poll();
      }
      assertEquals(410, last.getInteger("status"));
    }
  }

  /** A long-poll session takes one of its user's places, as a socket does, on any event loop. */
  @Test
  void longPollSessionsAndSocketsShareTheUsersLimit() {
    try (TestNode node = TestNode.start(c -> c.limits().maxConnectionsPerUser(2));
        TestSocket socket = node.connect("alice")) {
      LongPollClient lp = new LongPollClient(HTTP, node.port());
      assertEquals(410, lp.open(node.token("alice")).getInteger("status"));
      LongPollClient another = new LongPollClient(HTTP, node.port());
      JsonObject third = another.open(node.token("alice"));
      assertEquals(429, another.lastHttpStatus);
      assertEquals(500, third.getInteger("status"), "phoenix.js retries a 500 with backoff");
      Throwable refused =
          io.switchboard.support.Await.failure(
              TestSocket.attempt(
                  node.client(),
                  TestSocket.options(node.port(), "token=" + node.token("alice") + "&vsn=2.0.0")));
      assertEquals(
          429,
          ((io.vertx.core.http.UpgradeRejectedException) refused).getStatus(),
          "a socket is refused too");
      assertFalse(socket.isClosed(), "the socket that holds a place is untouched");
    }
  }

  @Test
  void aSessionThatLetsTooManyFramesQueueIsCutOff() {
    try (TestNode node = TestNode.start(c -> c.longPoll().maxQueuedFrames(5))) {
      LongPollClient lp = new LongPollClient(HTTP, node.port());
      lp.open(node.token("alice"));
      List<String> heartbeats = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        heartbeats.add(frame(null, String.valueOf(i), "phoenix", "heartbeat", new JsonObject()));
      }
      lp.post(heartbeats); // ten replies queue, no poll takes them
      assertEquals(410, lp.poll().getInteger("status"));
    }
  }

  @Test
  void browsersGetTheSocketsOriginRules() throws Exception {
    try (TestNode node = TestNode.start(c -> c.http().allowedOrigins("http://app.example"))) {
      String url = "http://127.0.0.1:" + node.port() + "/socket/longpoll?vsn=2.0.0";
      HttpResponse<String> preflight =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url))
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .header("Origin", "http://app.example")
                  .header("Access-Control-Request-Method", "POST")
                  .header("Access-Control-Request-Headers", "content-type, x-phoenix-authtoken")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, preflight.statusCode());
      assertEquals(
          "http://app.example",
          preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
      assertEquals(
          "content-type, x-phoenix-authtoken",
          preflight.headers().firstValue("Access-Control-Allow-Headers").orElse(null));

      HttpResponse<String> opened =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url))
                  .header("Origin", "http://app.example")
                  .header("X-Phoenix-AuthToken", node.token("alice"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(
          410, new JsonObject(opened.body()).getInteger("status"), "header token accepted");

      for (String method : List.of("OPTIONS", "GET")) {
        HttpResponse<String> foreign =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(url + "&token=" + node.token("alice")))
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "http://evil.example")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, foreign.statusCode(), method);
        assertFalse(foreign.headers().firstValue("Access-Control-Allow-Origin").isPresent());
      }
    }
  }

  @Test
  void aDrainAnswersTheHeldPollAndEndsTheSession() throws Exception {
    CompletableFuture<HttpResponse<String>> held;
    try (TestNode node = TestNode.start()) {
      LongPollClient lp = new LongPollClient(HTTP, node.port());
      lp.open(node.token("alice"));
      lp.post(frame("1", "1", "room:drain", "phx_join", new JsonObject()));
      assertEquals("ok", status(lp.reply("1")));
      // Two polls: the later one answers the earlier 204 and is held. Once one is answered, the
      // other is surely held at the node.
      CompletableFuture<HttpResponse<String>> first = lp.pollAsync();
      CompletableFuture<HttpResponse<String>> second = lp.pollAsync();
      CompletableFuture.anyOf(first, second).get(10, TimeUnit.SECONDS);
      CompletableFuture<HttpResponse<String>> replaced = first.isDone() ? first : second;
      held = replaced == first ? second : first;
      assertEquals(204, new JsonObject(replaced.get().body()).getInteger("status"));
      // Closing the node drains it, as SIGTERM does.
    }
    JsonObject answer = new JsonObject(held.get(10, TimeUnit.SECONDS).body());
    assertNotEquals(204, answer.getInteger("status"), answer.encode());
    assertTrue(
        answer.getInteger("status") == 410 || answer.getInteger("status") == 200, answer.encode());
  }
}
