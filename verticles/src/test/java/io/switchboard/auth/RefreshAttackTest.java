package io.switchboard.auth;

import static io.switchboard.support.TestSocket.reason;
import static io.switchboard.support.TestSocket.status;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.switchboard.support.ForgedJwts;
import io.switchboard.support.LogScan;
import io.switchboard.support.RawClient;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Attacks through the {@code access_token} refresh of an open socket (docs/PROTOCOL.md, "Token
 * refresh and expiry"): a token for another {@code sub}, {@code alg: none}, expired, forged, wrong
 * {@code iss}/{@code aud}, not yet valid, one that would grant more topics. Each gets its
 * documented error reply ({@code token sub mismatch}, {@code token expired}, {@code invalid token})
 * and changes nothing: the socket keeps its user, its topics claim and its channels. A token over
 * the message limit closes the socket with 1009, as any message that large. A bystander is served.
 */
@ExtendWith(LogScan.class)
class RefreshAttackTest {
  static final String ISSUER = "https://issuer.example";
  static final String AUDIENCE = "switchboard";
  static TestNode node;
  static HttpClient http;

  @BeforeAll
  static void start() {
    node =
        TestNode.start(
            c -> {
              c.auth().issuer(ISSUER).audience(AUDIENCE);
              c.addChannel("vip:*", "broadcast", "claim");
            });
    http = node.vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  private static JsonObject valid(String sub) {
    return new JsonObject()
        .put("sub", sub)
        .put("iss", ISSUER)
        .put("aud", AUDIENCE)
        .put("exp", now() + 600);
  }

  private static double meter(String result) {
    double v =
        Scrape.value(
            http,
            node.main.metricsPort(),
            "switchboard_token_refreshes_total{result=\"" + result + "\"}");
    return Double.isNaN(v) ? 0 : v;
  }

  private static JsonObject refresh(String token) {
    return new JsonObject().put("access_token", token);
  }

  @Test
  void everyBadRefreshGetsItsReasonAndChangesNothing() {
    Map<String, String> attacks = new LinkedHashMap<>(); // token -> the reply's reason
    attacks.put(ForgedJwts.hs256(valid("victim")), "token sub mismatch");
    attacks.put(
        ForgedJwts.hs256(valid("victim").put("topics", new JsonArray().add("vip:gold"))),
        "token sub mismatch");
    attacks.put(ForgedJwts.raw("{\"alg\":\"none\"}", valid("fay").encode(), ""), "invalid token");
    attacks.put(
        ForgedJwts.raw(
            "{\"alg\":\"none\"}",
            valid("fay").put("topics", new JsonArray().add("vip:gold")).encode(),
            ""),
        "invalid token");
    attacks.put(
        ForgedJwts.raw("{\"alg\":\"none\"}", valid("victim").encode(), ""), "invalid token");
    attacks.put(ForgedJwts.hs256(valid("fay").put("exp", now() - 120)), "token expired");
    attacks.put(ForgedJwts.hs256(valid("victim").put("exp", now() - 120)), "token expired");
    attacks.put(
        ForgedJwts.hmac(
            ForgedJwts.HS256,
            valid("fay").put("topics", new JsonArray().add("vip:gold")).encode(),
            "another-secret-that-is-at-least-32-bytes".getBytes(UTF_8)),
        "invalid token");
    attacks.put(ForgedJwts.hs256(valid("fay").put("iss", "https://evil.example")), "invalid token");
    attacks.put(ForgedJwts.hs256(valid("fay").put("aud", "another-service")), "invalid token");
    attacks.put(ForgedJwts.hs256(valid("fay").put("nbf", now() + 300)), "invalid token");
    JsonObject noSub = valid("fay");
    noSub.remove("sub");
    attacks.put(ForgedJwts.hs256(noSub), "invalid token");
    attacks.put(ForgedJwts.hs256(valid("fay").put("sub", 42)), "invalid token");
    attacks.put(ForgedJwts.ofLength(60_000), "invalid token"); // under the 64 KiB message limit
    double mismatches = meter("token_sub_mismatch");
    double expired = meter("token_expired");
    double invalid = meter("invalid_token");

    try (TestSocket fay =
            node.connectWithQuery("token=" + ForgedJwts.hs256(valid("fay")) + "&vsn=2.0.0");
        TestSocket bystander =
            node.connectWithQuery("token=" + ForgedJwts.hs256(valid("bea")) + "&vsn=2.0.0")) {
      assertEquals("ok", status(fay.join("1", "room:refresh")));
      assertEquals("ok", status(bystander.join("1", "room:refresh")));
      int ref = 0;
      for (Map.Entry<String, String> attack : attacks.entrySet()) {
        fay.send("1", "r" + ++ref, "room:refresh", "access_token", refresh(attack.getKey()));
        JsonArray reply = fay.reply("r" + ref);
        assertEquals("error", status(reply), "attack " + ref);
        assertEquals(attack.getValue(), reason(reply), "attack " + ref);
      }
      // Still fay's socket, with fay's (empty) topics claim, its channel joined and served.
      assertEquals("unauthorized", reason(fay.join("2", "vip:gold")));
      assertEquals("unauthorized", reason(fay.join("3", "notifications:victim")));
      assertEquals("ok", status(fay.join("4", "notifications:fay")));
      fay.send("1", "s", "room:refresh", "shout", new JsonObject().put("n", 1));
      assertEquals("ok", status(fay.reply("s")));
      assertEquals(1, bystander.event("room:refresh", "shout").getJsonObject(4).getInteger("n"));
      assertFalse(fay.isClosed());
      assertEquals(2, meter("token_sub_mismatch") - mismatches);
      assertEquals(2, meter("token_expired") - expired);
      assertEquals(attacks.size() - 4, meter("invalid_token") - invalid);
    }
  }

  /**
   * Sent as a client library sends a message this large, in frames under the frame limit, from a
   * raw client whose writer runs apart from its reader: the node closes (1009) while the rest is
   * still on its way, and the reader sees the close frame whatever becomes of the writes.
   */
  @Test
  void aMegabyteRefreshClosesOnlyItsSocketWith1009() throws Exception {
    try (TestSocket bystander =
            node.connectWithQuery("token=" + ForgedJwts.hs256(valid("bea")) + "&vsn=2.0.0");
        java.net.Socket raw = new java.net.Socket("127.0.0.1", node.port())) {
      bystander.join("1", "room:big");
      RawClient.upgrade(raw, ForgedJwts.hs256(valid("gus")), node.port());
      raw.getOutputStream()
          .write(RawClient.maskedText("[\"1\",\"1\",\"room:big\",\"phx_join\",{}]"));
      byte[] message =
          new JsonArray()
              .add("1")
              .add("r")
              .add("room:big")
              .add("access_token")
              .add(refresh(ForgedJwts.ofLength(1 << 20)))
              .encode()
              .getBytes(UTF_8);
      Thread writer =
          new Thread(
              () -> {
                try {
                  int chunk = 60_000;
                  for (int at = 0; at < message.length; at += chunk) {
                    int end = Math.min(message.length, at + chunk);
                    int opcode = at == 0 ? 0x1 : 0x0;
                    int fin = end == message.length ? 0x80 : 0;
                    raw.getOutputStream()
                        .write(
                            RawClient.frame(
                                fin | opcode,
                                java.util.Arrays.copyOfRange(message, at, end),
                                true));
                  }
                } catch (java.io.IOException closedOnUs) {
                  // the node closed before it had it all: expected
                }
              });
      writer.start();
      assertEquals(1009, RawClient.readCloseCode(raw));
      writer.join(TestNode.DEADLINE.toMillis());
      bystander.send(null, "h", "phoenix", "heartbeat", new JsonObject());
      assertEquals("ok", status(bystander.reply("h")));
    }
  }
}
