package io.switchboard.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.metrics.MetricNames;
import io.switchboard.support.Await;
import io.switchboard.support.ForgedJwts;
import io.switchboard.support.LogScan;
import io.switchboard.support.RawHttp;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Attacks with the token of the upgrade, on a node that checks {@code iss} and {@code aud}: every
 * one is refused with HTTP 403 before the upgrade, through every carrier the socket accepts (the
 * {@code token} query parameter, the {@code base64url.bearer.phx.} subprotocol with or without
 * {@code phoenix}) and the bridge's {@code token}; a 1 MB token is answered at once with 414 or
 * 431. A bystander socket is served after each test, and nothing of any token reaches the log
 * ({@link LogScan}).
 */
@ExtendWith(LogScan.class)
class UpgradeTokenAttackTest {
  static final String ISSUER = "https://issuer.example";
  static final String AUDIENCE = "switchboard";
  static final String TOKEN_REFUSALS =
      MetricNames.REJECTED_CONNECTIONS.replace('.', '_') + "_total{reason=\"token\"}";

  static TestNode node;
  static HttpClient http;
  static TestSocket bystander;
  static int round;
  static int shouts;

  @BeforeAll
  static void start() {
    node = TestNode.start(c -> c.auth().issuer(ISSUER).audience(AUDIENCE));
    http = node.vertx.createHttpClient();
    bystander =
        node.connectWithQuery("token=" + LogScan.secret(node.token("bystander")) + "&vsn=2.0.0");
    assertEquals("ok", TestSocket.status(bystander.join("1", "room:bystander")));
  }

  @AfterAll
  static void stop() {
    bystander.close();
    node.close();
  }

  /** After every attack the node still serves an open socket: a heartbeat, its own broadcast. */
  @AfterEach
  void bystanderStillServed() {
    String ref = "b" + ++round;
    bystander.send(null, ref, "phoenix", "heartbeat", new JsonObject());
    assertEquals("ok", TestSocket.status(bystander.reply(ref)));
    bystander.send("1", ref + "s", "room:bystander", "shout", new JsonObject().put("n", round));
    int n = round;
    bystander.await(
        "the bystander's shout " + n,
        a -> "shout".equals(a.getString(3)) && a.getJsonObject(4).getInteger("n") == n);
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  /** What the node accepts: our issuer and audience, a sub, an exp. */
  private static JsonObject valid(String sub) {
    return new JsonObject()
        .put("sub", sub)
        .put("iss", ISSUER)
        .put("aud", AUDIENCE)
        .put("exp", now() + 600);
  }

  private static String signed(JsonObject claims) {
    return ForgedJwts.hs256(claims);
  }

  /** Every attack with a token the size of a real one, by name. */
  static Map<String, String> attacks() {
    byte[] secret = TestNode.SECRET.getBytes(UTF_8);
    String good = signed(valid("mallory"));
    String[] parts = good.split("\\.");
    Map<String, String> a = new LinkedHashMap<>();
    a.put(
        "forged: signed with another key",
        ForgedJwts.hmac(
            ForgedJwts.HS256,
            valid("mallory").encode(),
            "another-secret-that-is-at-least-32-bytes".getBytes(UTF_8)));
    a.put(
        "tampered: sub changed after signing",
        ForgedJwts.raw(ForgedJwts.HS256, valid("admin").encode(), parts[2]));
    a.put("signature stripped", parts[0] + "." + parts[1] + ".");
    a.put("two parts", parts[0] + "." + parts[1]);
    a.put("four parts", good + ".x");
    for (String none : List.of("none", "None", "NONE", "nOnE")) {
      String header = "{\"alg\":\"" + none + "\",\"typ\":\"JWT\"}";
      a.put("alg " + none + ", no signature", ForgedJwts.raw(header, valid("admin").encode(), ""));
      a.put(
          "alg " + none + ", the real signature",
          ForgedJwts.raw(header, valid("mallory").encode(), parts[2]));
    }
    a.put("no alg", ForgedJwts.hmac("{\"typ\":\"JWT\"}", valid("mallory").encode(), secret));
    a.put(
        "alg hs256 (case)",
        ForgedJwts.hmac("{\"alg\":\"hs256\"}", valid("mallory").encode(), secret));
    a.put(
        "alg HS512 over an HS256 signature",
        ForgedJwts.hmac("{\"alg\":\"HS512\"}", valid("mallory").encode(), secret));
    a.put(
        "alg RS256 over an HS256 signature",
        ForgedJwts.hmac(ForgedJwts.RS256, valid("mallory").encode(), secret));
    a.put(
        "own key embedded as jwk",
        ForgedJwts.hmac(
            "{\"alg\":\"HS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\""
                + ForgedJwts.b64url("attacker-key-attacker-key-attacker-key")
                + "\"}}",
            valid("admin").encode(),
            "attacker-key-attacker-key-attacker-key".getBytes(UTF_8)));
    a.put(
        "RS256 signed with an RSA key",
        ForgedJwts.rsa(
            ForgedJwts.RS256, valid("admin").encode(), ForgedJwts.rsaKeyPair().getPrivate()));
    a.put("expired beyond the leeway", signed(valid("mallory").put("exp", now() - 120)));
    a.put("exp 0", signed(valid("mallory").put("exp", 0)));
    a.put("exp not a number", signed(valid("mallory").put("exp", "never")));
    a.put("nbf in the future", signed(valid("mallory").put("nbf", now() + 300)));
    a.put("iat in the future", signed(valid("mallory").put("iat", now() + 300)));
    a.put("wrong iss", signed(valid("mallory").put("iss", "https://evil.example")));
    a.put("iss differing in case", signed(valid("mallory").put("iss", ISSUER.toUpperCase())));
    a.put("no iss", signed(valid("mallory").putNull("iss")));
    a.put("iss not a string", signed(valid("mallory").put("iss", 42)));
    a.put("wrong aud", signed(valid("mallory").put("aud", "another-service")));
    a.put(
        "aud list without ours",
        signed(valid("mallory").put("aud", new JsonArray().add("a").add("b"))));
    a.put("no aud", signed(without(valid("mallory"), "aud")));
    a.put("aud not a string", signed(valid("mallory").put("aud", 42)));
    a.put("no sub", signed(without(valid("mallory"), "sub")));
    a.put("sub null", signed(valid("mallory").putNull("sub")));
    a.put("sub empty", signed(valid("mallory").put("sub", "")));
    a.put("sub a number", signed(valid("mallory").put("sub", 42)));
    a.put(
        "sub an object", signed(valid("mallory").put("sub", new JsonObject().put("id", "admin"))));
    a.put("sub a list", signed(valid("mallory").put("sub", new JsonArray().add("admin"))));
    a.put("sub true", signed(valid("mallory").put("sub", true)));
    a.put("claims not an object", ForgedJwts.hmac(ForgedJwts.HS256, "[\"admin\"]", secret));
    a.put("header not JSON", ForgedJwts.hmac("alg=none", valid("mallory").encode(), secret));
    a.put("not a JWT", LogScan.secret("not-a-jwt-at-all-just-text"));
    a.put("not base64", LogScan.secret("!!!!!!!!!!!!.@@@@@@@@@@@@.############"));
    return a;
  }

  private static JsonObject without(JsonObject claims, String key) {
    claims.remove(key);
    return claims;
  }

  private static int refusedStatus(WebSocketConnectOptions options) {
    Throwable err = Await.failure(node.client().connect(options));
    return assertInstanceOf(
            UpgradeRejectedException.class, err, "expected an HTTP refusal, got " + err)
        .getStatus();
  }

  private static String query(String token) {
    return "token=" + URLEncoder.encode(token, UTF_8) + "&vsn=2.0.0";
  }

  private static String bearer(String token) {
    return "base64url.bearer.phx."
        + Base64.getEncoder().withoutPadding().encodeToString(token.getBytes(UTF_8));
  }

  private static double refusals() {
    double v = Scrape.value(http, node.main.metricsPort(), TOKEN_REFUSALS);
    return Double.isNaN(v) ? 0 : v; // not yet counted
  }

  @Test
  void theValidTokensOfTheseAttacksAreAccepted() {
    // The control: the same claims the attacks start from, and the forms of aud RFC 7519 allows.
    for (JsonObject claims :
        List.of(
            valid("alice"),
            valid("alice").put("aud", new JsonArray().add("another-service").add(AUDIENCE)),
            valid("alice").put("nbf", now() - 5).put("iat", now() - 5))) {
      WebSocket ws =
          Await.result(
              node.client().connect(TestSocket.options(node.port(), query(signed(claims)))));
      ws.close();
    }
    String token = signed(valid("alice"));
    WebSocket ws =
        Await.result(
            node.client()
                .connect(
                    TestSocket.options(node.port(), "vsn=2.0.0")
                        .setSubProtocols(List.of("phoenix", bearer(token)))));
    assertEquals("phoenix", ws.subProtocol());
    ws.close();
  }

  @Test
  void everyAttackIsRefusedWith403InTheQuery() {
    double before = refusals();
    Map<String, String> attacks = attacks();
    for (Map.Entry<String, String> attack : attacks.entrySet()) {
      assertEquals(
          403,
          refusedStatus(TestSocket.options(node.port(), query(attack.getValue()))),
          attack.getKey());
    }
    assertEquals(before + attacks.size(), refusals(), "each refused for its token");
  }

  @Test
  void everyAttackIsRefusedWith403InTheSubprotocolHeader() {
    double before = refusals();
    Map<String, String> attacks = attacks();
    for (Map.Entry<String, String> attack : attacks.entrySet()) {
      WebSocketConnectOptions options =
          TestSocket.options(node.port(), "vsn=2.0.0")
              .setSubProtocols(List.of("phoenix", bearer(attack.getValue())));
      assertEquals(403, refusedStatus(options), attack.getKey());
    }
    assertEquals(before + attacks.size(), refusals(), "each refused for its token");
  }

  @Test
  void theSubprotocolAloneWithoutPhoenixCarriesTheTokenTooAndAttacksAreRefused() throws Exception {
    // A client that offers only the bearer "subprotocol": served, with no subprotocol selected
    // (none it offered is one the server speaks); its token is never echoed or logged.
    String good = LogScan.secret(signed(valid("alice")));
    RawHttp.Answer ok =
        upgradeOnce(
            RawHttp.upgrade(
                "/socket/websocket?vsn=2.0.0",
                node.port(),
                "Sec-WebSocket-Protocol: " + bearer(good)));
    assertEquals(101, ok.status(), ok.raw());
    assertEquals(null, ok.header("Sec-WebSocket-Protocol"), ok.raw());
    for (Map.Entry<String, String> attack : attacks().entrySet()) {
      RawHttp.Answer refused =
          upgradeOnce(
              RawHttp.upgrade(
                  "/socket/websocket?vsn=2.0.0",
                  node.port(),
                  "Sec-WebSocket-Protocol: " + bearer(attack.getValue())));
      assertEquals(403, refused.status(), attack.getKey());
    }
  }

  /** The response head of an upgrade, then the connection closed by us. */
  private static RawHttp.Answer upgradeOnce(String request) throws Exception {
    try (java.net.Socket s = RawHttp.open(node.port())) {
      RawHttp.send(s, request);
      return RawHttp.readHead(s);
    }
  }

  @Test
  void aBadTokenInTheQueryIsNotRescuedByAGoodOneInTheHeader() {
    String good = signed(valid("alice"));
    WebSocketConnectOptions both =
        TestSocket.options(node.port(), query(signed(valid("alice").put("exp", now() - 120))))
            .setSubProtocols(List.of("phoenix", bearer(good)));
    assertEquals(403, refusedStatus(both));
    // Other places a client might put a token are not carriers: refused as having none.
    WebSocketConnectOptions authorization =
        TestSocket.options(node.port(), "vsn=2.0.0").addHeader("Authorization", "Bearer " + good);
    assertEquals(403, refusedStatus(authorization));
    WebSocketConnectOptions cookie =
        TestSocket.options(node.port(), "vsn=2.0.0").addHeader("Cookie", "token=" + good);
    assertEquals(403, refusedStatus(cookie));
  }

  /**
   * The bridge takes its token from the query of its URL (sockjs-client keeps the query on every
   * URL it derives). A refused token gets its socket closed as soon as it opens, before any frame:
   * a registration sent meanwhile is never served. The control, a valid token, gets the broadcast
   * it registered for.
   */
  @Test
  void everyAttackOnTheBridgeGetsItsSocketClosedBeforeAnyFrame() {
    WebSocket ok = Await.result(node.client().connect(bridge(signed(valid("alice")))));
    java.util.concurrent.CompletableFuture<String> got =
        new java.util.concurrent.CompletableFuture<>();
    ok.textMessageHandler(got::complete);
    ok.binaryMessageHandler(b -> got.complete(b.toString()));
    double topics = topics();
    Await.result(ok.writeTextMessage(register("topic:room:bridge-ok")));
    Await.until("the valid bridge socket registered", () -> topics() == topics + 1);
    Await.result(
        node.vertx
            .eventBus()
            .request(
                io.switchboard.protocol.Addresses.PUBLISH,
                new JsonObject()
                    .put("topic", "room:bridge-ok")
                    .put("event", "shout")
                    .put("payload", new JsonObject().put("n", 1))));
    assertTrue(
        Await.result(io.vertx.core.Future.fromCompletionStage(got)).contains("room:bridge-ok"));
    Await.result(ok.close());

    for (Map.Entry<String, String> attack : attacks().entrySet()) {
      String outcome = bridgeOutcome(bridge(attack.getValue()));
      assertTrue(outcome.startsWith("closed"), attack.getKey() + ": " + outcome);
    }
  }

  private static WebSocketConnectOptions bridge(String token) {
    return new WebSocketConnectOptions()
        .setHost("127.0.0.1")
        .setPort(node.port())
        .setURI("/eventbus/websocket?token=" + URLEncoder.encode(token, UTF_8));
  }

  private static String register(String address) {
    return new JsonObject().put("type", "register").put("address", address).encode();
  }

  private static double topics() {
    return Scrape.value(http, node.main.metricsPort(), MetricNames.TOPICS.replace('.', '_'));
  }

  /**
   * The first thing a bridge socket gets after registering for the bystander's topic, on which the
   * bystander then shouts: a frame, or its close (also when the close came before the register
   * could be written).
   */
  private static String bridgeOutcome(WebSocketConnectOptions options) {
    java.util.concurrent.CompletableFuture<String> seen =
        new java.util.concurrent.CompletableFuture<>();
    // Handlers set on the socket's event loop as it opens: nothing it receives can come first.
    WebSocket ws =
        Await.result(
            node.client()
                .connect(options)
                .onSuccess(
                    w -> {
                      w.textMessageHandler(t -> seen.complete("frame " + t));
                      w.closeHandler(v -> seen.complete("closed " + w.closeStatusCode()));
                    }));
    try {
      Await.result(ws.writeTextMessage(register("topic:room:bystander")));
      bystander.send("1", "x" + ++shouts, "room:bystander", "shout", new JsonObject().put("n", -1));
    } catch (RuntimeException closedAlready) { // the write failed: "WebSocket is closed"
      // closed before the register could be written: the outcome is the close
    }
    return Await.result(io.vertx.core.Future.fromCompletionStage(seen));
  }

  @Test
  void aMegabyteTokenIsAnsweredAtOnceWithATooLongStatus() throws Exception {
    String huge = ForgedJwts.ofLength(1 << 20);
    double before = refusals();
    // In the query: longer than any request line the node reads (4 KB): 414, read no further.
    assertEquals(
        414, hugeRequest("GET /socket/websocket?vsn=2.0.0&token=" + huge + " HTTP/1.1\r\n", ""));
    assertEquals(414, hugeRequest("GET /eventbus/websocket?token=" + huge + " HTTP/1.1\r\n", ""));
    // In the subprotocol header: more than the headers may hold (8 KB): 431.
    assertEquals(
        431,
        hugeRequest(
            "GET /socket/websocket?vsn=2.0.0 HTTP/1.1\r\n",
            "Sec-WebSocket-Protocol: phoenix, " + bearer(huge) + "\r\n"));
    assertEquals(before, refusals(), "never got as far as the token check");
  }

  /**
   * What answering a 1 MB token costs the node: heap allocated by its event loops per attempt,
   * measured by the JVM's per-thread allocation counters (not a timing), over 20 attempts of each
   * carrier. The node reads no further than its line or header limit and allocates for that, not
   * for the megabyte (Netty's socket reads go to pooled direct buffers, reused).
   */
  @Test
  void aMegabyteTokenCostsTheNodeFarLessThanAMegabyteOfHeap() throws Exception {
    String huge = ForgedJwts.ofLength(1 << 20);
    int attempts = 20;
    hugeRequest("GET /socket/websocket?vsn=2.0.0&token=" + huge + " HTTP/1.1\r\n", ""); // warm
    long before = eventLoopAllocatedBytes();
    long started = System.nanoTime(); // printed for the record, never asserted
    for (int i = 0; i < attempts; i++) {
      assertEquals(
          414, hugeRequest("GET /socket/websocket?vsn=2.0.0&token=" + huge + " HTTP/1.1\r\n", ""));
      assertEquals(
          431,
          hugeRequest(
              "GET /socket/websocket?vsn=2.0.0 HTTP/1.1\r\n",
              "Sec-WebSocket-Protocol: phoenix, " + bearer(huge) + "\r\n"));
    }
    long perAttempt = (eventLoopAllocatedBytes() - before) / (2 * attempts);
    System.out.printf(
        "1 MB token: %d bytes of event-loop heap and %.1f ms per attempt, answer included%n",
        perAttempt, (System.nanoTime() - started) / 1e6 / (2 * attempts));
    assertTrue(perAttempt < (1 << 20) / 4, perAttempt + " bytes allocated per attempt");
  }

  private static long eventLoopAllocatedBytes() {
    var threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long total = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("vert.x-eventloop-thread")) {
        total += threads.getThreadAllocatedBytes(t.getId());
      }
    }
    return total;
  }

  /**
   * Sends a request of about 1 MB from one thread while another reads the answer: the node answers
   * after the first few KB and closes, so the rest may meet a reset.
   */
  private static int hugeRequest(String requestLine, String header) throws Exception {
    try (java.net.Socket s = RawHttp.open(node.port())) {
      byte[] head =
          (requestLine
                  + "Host: 127.0.0.1:"
                  + node.port()
                  + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                  + header
                  + "\r\n")
              .getBytes(UTF_8);
      Thread writer =
          new Thread(
              () -> {
                try {
                  s.getOutputStream().write(head);
                  s.getOutputStream().flush();
                } catch (java.io.IOException closedOnUs) {
                  // the node answered and closed before taking it all: expected
                }
              });
      writer.start();
      RawHttp.Answer answer = RawHttp.readUntilClosed(s);
      writer.join(TestNode.DEADLINE.toMillis());
      assertTrue(!answer.empty(), "no answer before the close");
      return answer.status();
    }
  }
}
