package io.switchboard.socket;

import static io.switchboard.support.TestSocket.reason;
import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Jwts;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@code access_token} pushes and token expiry, over real sockets. The nodes run with {@code
 * auth.leewaySeconds} 0, so a token dies at its {@code exp}; tokens expire 1 to 3 s ahead (JWT
 * {@code exp} has 1 s granularity) and the tests wait for the resulting close, never for time.
 */
class TokenRefreshTest {
  private static final String NO_TOKEN = "invalid payload: access_token must be a non-empty string";

  private static TestSocket connect(TestNode node, String token) {
    return node.connectWithQuery("token=" + token + "&vsn=2.0.0");
  }

  private static JsonObject refresh(String token) {
    return new JsonObject().put("access_token", token);
  }

  private static double meter(TestNode node, HttpClient http, String series) {
    return Scrape.value(http, node.main.metricsPort(), series);
  }

  private static void heartbeat(TestSocket s, String ref) {
    s.send(null, ref, "phoenix", "heartbeat", new JsonObject());
    assertEquals("ok", status(s.reply(ref)));
  }

  @Test
  void aRefreshOnAnyKindOfChannelOutlivesTheFirstTokenWhileAnUnrefreshedTwinIsClosed() {
    try (TestNode node = TestNode.start(c -> c.auth().leewaySeconds(0))) {
      HttpClient http = node.vertx.createHttpClient();
      long exp = Jwts.nowSeconds() + 3;
      try (TestSocket refreshed = connect(node, Jwts.expiringAt("erin", exp));
          TestSocket twin = connect(node, Jwts.expiringAt("erin", exp));
          TestSocket watcher = node.connect("walt")) {
        refreshed.join("1", "room:refresh");
        refreshed.join("2", "notifications:erin"); // server-push: no client events at all
        refreshed.join("3", "stream:erin"); // clientEvents data and flush only
        watcher.join("1", "room:refresh");
        twin.join("7", "room:refresh");
        twin.join("8", "notifications:erin");

        String later = Jwts.expiringIn("erin", 600);
        for (String[] channel :
            List.of(
                new String[] {"1", "room:refresh"},
                new String[] {"2", "notifications:erin"},
                new String[] {"3", "stream:erin"})) {
          refreshed.send(channel[0], "r" + channel[0], channel[1], "access_token", refresh(later));
          JsonArray reply = refreshed.reply("r" + channel[0]);
          assertEquals("ok", status(reply), channel[1] + ": " + reply);
          assertEquals(channel[0], reply.getString(0));
        }
        // Answered by the socket, not broadcast: the watcher's next frame is the shout after it.
        refreshed.send("1", "s", "room:refresh", "shout", new JsonObject().put("n", 1));
        assertEquals("ok", status(refreshed.reply("s")));
        List<Object> beforeShout =
            watcher.drainUntil("the shout", a -> "shout".equals(a.getString(3)));
        assertTrue(
            beforeShout.stream()
                .noneMatch(m -> m instanceof JsonArray a && "access_token".equals(a.getString(3))),
            "the refresh reached another subscriber: " + beforeShout);

        // The twin had the same first token and no refresh: each of its channels hears why, then
        // the socket is closed with 4001, once that token's exp has passed.
        for (String[] channel :
            List.of(new String[] {"7", "room:refresh"}, new String[] {"8", "notifications:erin"})) {
          JsonArray notice = twin.event(channel[1], "system");
          assertEquals(channel[0], notice.getString(0));
          assertEquals(
              new JsonObject()
                  .put("extension", "system")
                  .put("status", "error")
                  .put("message", "token expired"),
              notice.getJsonObject(4));
        }
        assertEquals(4001, twin.closeCode());
        assertEquals("token expired", twin.ws.closeReason());
        assertTrue(Jwts.nowSeconds() >= exp, "closed before its token's exp");

        // Past the first token's exp, the refreshed socket is still served, on every channel.
        heartbeat(refreshed, "hb");
        refreshed.send("1", "s2", "room:refresh", "shout", new JsonObject().put("n", 2));
        assertEquals("ok", status(refreshed.reply("s2")));
        assertFalse(refreshed.isClosed());

        assertEquals(3.0, meter(node, http, "switchboard_token_refreshes_total{result=\"ok\"}"));
        assertEquals(1.0, meter(node, http, "switchboard_token_expiries_total"));
        assertEquals(1.0, meter(node, http, "websocket_server_closes_total{code=\"4001\"}"));
      }
    }
  }

  @Test
  void badTokensGetAReasonAndChangeNothing() {
    try (TestNode node = TestNode.start(c -> c.auth().leewaySeconds(0))) {
      HttpClient http = node.vertx.createHttpClient();
      long now = Jwts.nowSeconds();
      try (TestSocket s = connect(node, Jwts.expiringAt("fay", now + 3))) {
        s.join("1", "room:refuse");
        Map<JsonObject, String> refusals = new LinkedHashMap<>();
        String otherKey = "another-secret-that-is-at-least-32-bytes!";
        refusals.put(
            refresh(Jwts.hs256(new JsonObject().put("sub", "fay").put("exp", now + 600), otherKey)),
            "invalid token");
        refusals.put(refresh("not-a-jwt"), "invalid token");
        refusals.put(
            refresh(
                Jwts.hs256(
                    new JsonObject()
                        .put("sub", "fay")
                        .put("nbf", now + 300)
                        .put("exp", now + 600))),
            "invalid token"); // not yet valid: refused, but not called expired
        refusals.put(refresh(Jwts.expiringIn("mallory", 600)), "token sub mismatch");
        refusals.put(refresh(Jwts.expiringIn("fay", -5)), "token expired");
        refusals.put(new JsonObject(), NO_TOKEN);
        refusals.put(new JsonObject().put("access_token", 42), NO_TOKEN);
        refusals.put(new JsonObject().put("access_token", ""), NO_TOKEN);
        refusals.put(new JsonObject().put("token", Jwts.expiringIn("fay", 600)), NO_TOKEN);
        int ref = 0;
        for (Map.Entry<JsonObject, String> refusal : refusals.entrySet()) {
          s.send("1", "r" + ++ref, "room:refuse", "access_token", refusal.getKey());
          JsonArray reply = s.reply("r" + ref);
          assertEquals("error", status(reply), refusal.getKey().encode());
          assertEquals(refusal.getValue(), reason(reply), refusal.getKey().encode());
        }
        s.sendBinary(
            BinaryFramesTest.clientPush(
                "1",
                "bin",
                "room:refuse",
                "access_token",
                Jwts.expiringIn("fay", 600).getBytes(StandardCharsets.UTF_8)));
        assertEquals(NO_TOKEN, reason(s.reply("bin")));
        s.send(null, "nj", "room:not-joined", "access_token", refresh(Jwts.expiringIn("fay", 600)));
        assertEquals("unmatched topic", reason(s.reply("nj")));

        // The channel is still joined, and the socket still ends with its first token.
        s.send("1", "p", "room:refuse", "shout", new JsonObject());
        assertEquals("ok", status(s.reply("p")));
        assertEquals(4001, s.closeCode());

        String result = "switchboard_token_refreshes_total{result=\"";
        assertEquals(3.0, meter(node, http, result + "invalid_token\"}"));
        assertEquals(1.0, meter(node, http, result + "token_sub_mismatch\"}"));
        assertEquals(1.0, meter(node, http, result + "token_expired\"}"));
        assertEquals(5.0, meter(node, http, result + "invalid_payload\"}"));
        assertEquals(0.0, meter(node, http, result + "ok\"}"));
        assertEquals(1.0, meter(node, http, "switchboard_token_expiries_total"));
      }
    }
  }

  @Test
  void withCloseOnExpiryOffAnExpiredTokenKeepsItsSocket() throws Exception {
    // The idle timeout is the clock: a silent socket is closed 3 s after it connected, by then
    // the other socket's token is at least 2 s past its exp and the sweep has run several times.
    try (TestNode node =
            TestNode.start(
                c -> {
                  c.auth().leewaySeconds(0).closeOnExpiry(false);
                  c.limits().idleTimeoutMs(3_000);
                });
        TestSocket expired = connect(node, Jwts.expiringIn("gus", 1));
        TestSocket silent = node.connect("quiet")) {
      expired.join("1", "room:kept");
      int heartbeats = 0;
      long deadline = System.nanoTime() + TestNode.DEADLINE.toNanos();
      while (!silent.isClosed()) {
        heartbeat(expired, "hb" + ++heartbeats); // keeps it from the idle timeout
        try {
          silent.closed.get(250, TimeUnit.MILLISECONDS);
        } catch (TimeoutException notYet) {
          if (heartbeats > 100 || System.nanoTime() > deadline) {
            throw new AssertionError("the silent socket was never closed");
          }
        }
      }
      assertEquals(1001, silent.closeCode());
      heartbeat(expired, "after");
      expired.send("1", "p", "room:kept", "shout", new JsonObject());
      assertEquals("ok", status(expired.reply("p")));
      assertFalse(expired.isClosed());
      HttpClient http = node.vertx.createHttpClient();
      assertEquals(0.0, meter(node, http, "switchboard_token_expiries_total"));
    }
  }

  @Test
  void aRefreshCountsAgainstTheInboundRateLikeAnyPush() {
    try (TestNode node = TestNode.start(c -> c.rateLimit().messagesPerSecond(1).burst(3));
        TestSocket s = node.connect("hal")) {
      s.join("1", "notifications:hal"); // 1 token of 3
      String token = node.token("hal");
      for (int i = 0; i < 3; i++) {
        s.send("1", "r" + i, "notifications:hal", "access_token", refresh(token));
      }
      assertEquals("ok", status(s.reply("r0")));
      assertEquals("ok", status(s.reply("r1")));
      assertEquals("rate limited", reason(s.reply("r2")));
    }
  }
}
