package io.switchboard.auth;

import static io.switchboard.support.TestSocket.reason;
import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.Addresses;
import io.switchboard.support.Await;
import io.switchboard.support.ForgedJwts;
import io.switchboard.support.LogScan;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code own} rule ({@code notifications:*}: the rest of the topic must equal the token's
 * {@code sub}) and the {@code claim} rule ({@code vip:*} here: the token's {@code topics} must list
 * the topic) compare exact strings: no decoding, no case folding, no Unicode normalisation, no
 * prefix match, and {@code *} in a topic or a claim is a character, not a wildcard. Every near miss
 * an attacker can spell (percent-encoding, look-alike letters, NUL, case, prefixes and suffixes,
 * trailing {@code *}) is refused, and a server push to the victim's topic reaches the victim only.
 */
@ExtendWith(LogScan.class)
class TopicRuleAttackTest {
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(c -> c.addChannel("vip:*", "broadcast", "claim"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static TestSocket connect(JsonObject claims) {
    return node.connectWithQuery(
        "token="
            + ForgedJwts.hs256(claims.put("exp", System.currentTimeMillis() / 1000 + 600))
            + "&vsn=2.0.0");
  }

  private static TestSocket user(String sub) {
    return connect(new JsonObject().put("sub", sub));
  }

  /**
   * Near misses of {@code notifications:alice}, each a topic of its own that alice does not own.
   */
  static final List<String> NEAR_ALICE =
      List.of(
          "notifications:%61lice", // percent-encoded a
          "notifications:alice%00",
          "notifications:\u0430lice", // Cyrillic a
          "notifications:\uff41lice", // fullwidth a
          "notifications:a\u0301lice", // combining accent
          "notifications:alice\u0000",
          "notifications:\u0000alice",
          "notifications:alice\u200b", // zero-width space
          "notifications:Alice",
          "notifications:ALICE",
          "notifications:alice2",
          "notifications:alic",
          "notifications:alice:x",
          "notifications:x:alice",
          "notifications:alice ",
          "notifications: alice",
          "notifications:alice*",
          "notifications:*",
          "notifications:",
          "notifications:alice/../bob");

  @Test
  void anotherUserCannotJoinAliceOrAnyNearMissOfHerTopic() {
    try (TestSocket mallory = user("mallory")) {
      int ref = 0;
      for (String topic : concat("notifications:alice", NEAR_ALICE)) {
        JsonArray reply = mallory.join("j" + ++ref, topic);
        assertEquals("error", status(reply), topic);
        assertEquals("unauthorized", reason(reply), topic);
      }
      // The rule's prefix is case-sensitive too: no rule, no join.
      for (String topic :
          List.of("Notifications:mallory", "NOTIFICATIONS:alice", " notifications:alice")) {
        JsonArray reply = mallory.join("j" + ++ref, topic);
        assertEquals("error", status(reply), topic);
        assertEquals("unmatched topic", reason(reply), topic);
      }
      assertEquals("ok", status(mallory.join("own", "notifications:mallory")));
    }
  }

  @Test
  void usersNamedLikeAliceOwnOnlyTheirOwnLiteralTopic() {
    // Subs an attacker might register at an identity provider that allows them.
    for (String sub :
        List.of(
            "alice2",
            "Alice",
            "\u0430lice",
            "alice\u0000",
            "%61lice",
            "alic",
            "alice:x",
            "*",
            "alice*")) {
      try (TestSocket lookalike = user(sub)) {
        JsonArray reply = lookalike.join("1", "notifications:alice");
        assertEquals("unauthorized", reason(reply), sub);
        assertEquals("ok", status(lookalike.join("2", "notifications:" + sub)), sub);
      }
    }
  }

  @Test
  void aPushToAlicesTopicReachesAliceAndNoLookalike() {
    try (TestSocket alice = user("alice");
        TestSocket star = user("*");
        TestSocket upper = user("Alice");
        TestSocket cyrillic = user("\u0430lice")) {
      assertEquals("ok", status(alice.join("1", "notifications:alice")));
      assertEquals("ok", status(star.join("1", "notifications:*")));
      assertEquals("ok", status(upper.join("1", "notifications:Alice")));
      assertEquals("ok", status(cyrillic.join("1", "notifications:\u0430lice")));
      publish("notifications:alice", "secret");
      assertEquals(
          "secret", alice.event("notifications:alice", "note").getJsonObject(4).getString("m"));
      // Each look-alike gets its own marker and, before it, nothing.
      for (Object[] s :
          List.of(
              new Object[] {star, "notifications:*"},
              new Object[] {upper, "notifications:Alice"},
              new Object[] {cyrillic, "notifications:\u0430lice"})) {
        publish((String) s[1], "marker");
        List<Object> before =
            ((TestSocket) s[0])
                .drainUntil("its marker", a -> "marker".equals(a.getJsonObject(4).getString("m")));
        assertTrue(before.isEmpty(), s[1] + " got " + before);
        assertEquals(
            "marker",
            ((TestSocket) s[0]).event((String) s[1], "note").getJsonObject(4).getString("m"));
      }
    }
  }

  private static void publish(String topic, String marker) {
    Await.result(
        node.vertx
            .eventBus()
            .request(
                Addresses.PUBLISH,
                new JsonObject()
                    .put("topic", topic)
                    .put("event", "note")
                    .put("payload", new JsonObject().put("m", marker))));
  }

  @Test
  void theTopicsClaimListsExactTopicsOnly() {
    JsonObject gold =
        new JsonObject().put("sub", "vic").put("topics", new JsonArray().add("vip:gold"));
    try (TestSocket vic = connect(gold)) {
      assertEquals("ok", status(vic.join("1", "vip:gold")));
      int ref = 1;
      for (String topic :
          List.of(
              "vip:Gold",
              "vip:GOLD",
              "vip:gold2",
              "vip:gol",
              "vip:gold:x",
              "vip:gold ",
              "vip:gold\u0000",
              "vip:gold%00",
              "vip:g%6Fld",
              "vip:g\u043eld", // Cyrillic o
              "vip:gold*",
              "vip:*",
              "vip:")) {
        JsonArray reply = vic.join("j" + ++ref, topic);
        assertEquals("unauthorized", reason(reply), topic);
      }
      assertEquals("unmatched topic", reason(vic.join("up", "VIP:gold")));
    }
  }

  @Test
  void aClaimIsNotAPatternAndOnlyAListOfStringsCounts() {
    List<Object> claims =
        List.of(
            new JsonArray().add("vip:*"), // a wildcard claim is the literal topic "vip:*"
            new JsonArray().add("vip:gold\u0000"),
            new JsonArray().add("VIP:GOLD"),
            new JsonArray().add(new JsonArray().add("vip:gold")),
            new JsonArray().add(new JsonObject().put("topic", "vip:gold")),
            "vip:gold", // a string, not a list
            new JsonObject().put("vip:gold", true));
    for (Object claim : claims) {
      try (TestSocket s = connect(new JsonObject().put("sub", "vic").put("topics", claim))) {
        assertEquals("unauthorized", reason(s.join("1", "vip:gold")), String.valueOf(claim));
      }
    }
    try (TestSocket star =
        connect(new JsonObject().put("sub", "vic").put("topics", new JsonArray().add("vip:*")))) {
      assertEquals("ok", status(star.join("1", "vip:*")), "the literal topic it lists");
    }
  }

  /**
   * The bridge applies the same rules, and its user is the token's: headers a client writes on a
   * send (a {@code user}, a {@code topics} claim) are replaced, never believed.
   */
  @Test
  void aBridgeClientCannotClaimAnotherUserOrTopicsInItsHeaders() {
    String token = ForgedJwts.hs256(new JsonObject().put("sub", "mallory"));
    io.vertx.core.http.WebSocket ws =
        Await.result(
            node.client()
                .connect(
                    new io.vertx.core.http.WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(node.port())
                        .setURI("/eventbus/websocket?token=" + token)));
    java.util.concurrent.LinkedBlockingQueue<JsonObject> frames =
        new java.util.concurrent.LinkedBlockingQueue<>();
    ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
    ws.binaryMessageHandler(b -> frames.add(new JsonObject(b.toString())));
    ws.closeHandler(
        v -> frames.add(new JsonObject().put("type", "closed " + ws.closeStatusCode())));
    JsonObject spoofed =
        new JsonObject().put("user", "vic").put("topics", new JsonArray().add("vip:gold").encode());
    int n = 0;
    for (String topic : List.of("vip:gold", "notifications:vic", "notifications:alice")) {
      String reply = "r" + ++n;
      Await.result(
          ws.writeTextMessage(
              new JsonObject()
                  .put("type", "send")
                  .put("address", Addresses.BRIDGE_PUSH)
                  .put("headers", spoofed)
                  .put("replyAddress", reply)
                  .put(
                      "body",
                      new JsonObject()
                          .put("topic", topic)
                          .put("event", "shout")
                          .put("payload", new JsonObject()))
                  .encode()));
      JsonObject answer = nextFrame(frames);
      assertEquals("err", answer.getString("type"), topic + ": " + answer);
      assertEquals(reply, answer.getString("address"), answer.encode());
      assertEquals("unauthorized", answer.getString("message"), topic + ": " + answer);
    }
    for (String address : List.of("topic:vip:gold", "topic:notifications:alice")) {
      Await.result(
          ws.writeTextMessage(
              new JsonObject()
                  .put("type", "register")
                  .put("address", address)
                  .put("headers", spoofed)
                  .encode()));
      JsonObject answer = nextFrame(frames);
      assertEquals("err", answer.getString("type"), address + ": " + answer);
      assertEquals("rejected", answer.getString("body"), address + ": " + answer);
    }
    Await.result(ws.close());
  }

  private static JsonObject nextFrame(java.util.concurrent.BlockingQueue<JsonObject> frames) {
    try {
      JsonObject f =
          frames.poll(TestNode.DEADLINE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      if (f == null) {
        throw new AssertionError("no bridge frame within " + TestNode.DEADLINE);
      }
      return f;
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> concat(String first, List<String> rest) {
    List<String> all = new java.util.ArrayList<>(List.of(first));
    all.addAll(rest);
    return all;
  }
}
