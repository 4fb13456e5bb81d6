package io.switchboard.auth;

import static io.switchboard.support.TestSocket.reason;
import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.switchboard.protocol.Addresses;
import io.switchboard.support.Await;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Refusals at the upgrade (HTTP 403), the two token carriers, origins, join rules and disconnect by
 * user.
 */
class AuthenticationTest {
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(c -> c.http().allowedOrigins("https://app.example.com"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static int refusedStatus(WebSocketConnectOptions options) {
    Throwable err = Await.failure(node.client().connect(options));
    return assertInstanceOf(
            UpgradeRejectedException.class, err, "expected an HTTP refusal, got " + err)
        .getStatus();
  }

  private static int refusedStatus(String query) {
    return refusedStatus(TestSocket.options(node.port(), query));
  }

  private static String b64url(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void missingTokenIsRefusedBeforeTheUpgrade() {
    assertEquals(403, refusedStatus("vsn=2.0.0"));
  }

  @Test
  void forgedExpiredAndUnsignedTokensAreRefused() {
    String good = node.token("u1");
    String[] parts = good.split("\\.");
    String forged = parts[0] + "." + b64url("{\"sub\":\"admin\"}") + "." + parts[2];
    String unsigned =
        b64url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64url("{\"sub\":\"u1\"}") + ".";
    String expired = expiredToken();
    String noSub = hs256("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"name\":\"nobody\"}");
    for (String token : List.of(forged, unsigned, expired, noSub, "not-a-jwt")) {
      assertEquals(403, refusedStatus("token=" + token + "&vsn=2.0.0"), token);
    }
    String valid = hs256("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"sub\":\"u1\"}");
    Await.result(
            node.client().connect(TestSocket.options(node.port(), "token=" + valid + "&vsn=2.0.0")))
        .close();
  }

  @Test
  void aWellSignedTokenWithWronglyTypedClaimsIsRefusedNotLeftHanging() {
    // vertx-auth-jwt throws on these instead of failing; the upgrade must still be answered, with
    // 403.
    for (String claims :
        List.of(
            "{\"sub\":\"u1\",\"exp\":\"soon\"}",
            "{\"sub\":\"u1\",\"nbf\":true}",
            "{\"sub\":\"u1\",\"iat\":\"now\"}")) {
      String token = hs256("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", claims);
      assertEquals(403, refusedStatus("token=" + token + "&vsn=2.0.0"), claims);
    }
  }

  @Test
  void anIssuerClockAFewSecondsAheadIsTolerated() {
    // auth.leewaySeconds (30 by default): issued and valid from 10 s "in the future" by our clock.
    long ahead = System.currentTimeMillis() / 1000 + 10;
    String token =
        hs256(
            "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
            "{\"sub\":\"u1\",\"iat\":"
                + ahead
                + ",\"nbf\":"
                + ahead
                + ",\"exp\":"
                + (ahead + 600)
                + "}");
    Await.result(
            node.client().connect(TestSocket.options(node.port(), "token=" + token + "&vsn=2.0.0")))
        .close();
  }

  private static String expiredToken() {
    long past = System.currentTimeMillis() / 1000 - 120;
    return hs256("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "{\"sub\":\"u1\",\"exp\":" + past + "}");
  }

  /** Signs by hand, so a test controls every claim (the signer helper only makes valid tokens). */
  private static String hs256(String header, String claims) {
    try {
      String signingInput = b64url(header) + "." + b64url(claims);
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(
          new javax.crypto.spec.SecretKeySpec(
              TestNode.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return signingInput
          + "."
          + Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aTokenFromAnotherKeyIsRefused() {
    TokenVerifier other =
        TokenVerifier.create(
            node.vertx,
            node.main.configuration().auth(),
            "another-secret-also-at-least-32-bytes-long");
    assertEquals(403, refusedStatus("token=" + other.issue("u1", List.of(), 60) + "&vsn=2.0.0"));
  }

  /** 1.0.0, 2.0.0 and no vsn are served (V1FramesTest); any other is refused with 400. */
  @Test
  void versionsOtherThanV1AndV2AreRefused() {
    String token = node.token("u1");
    for (String vsn : List.of("3.0.0", "2.0", "", "1.0.0.0")) {
      assertEquals(400, refusedStatus("token=" + token + "&vsn=" + vsn), vsn);
    }
  }

  @Test
  void tokenInTheSubprotocolHeaderIsAcceptedAndPhoenixIsSelected() {
    // phoenix.js 1.8 encodes with standard base64 and strips the padding.
    String encoded =
        Base64.getEncoder()
            .withoutPadding()
            .encodeToString(node.token("sub-user").getBytes(StandardCharsets.UTF_8));
    WebSocketConnectOptions options =
        TestSocket.options(node.port(), "vsn=2.0.0")
            .setSubProtocols(List.of("phoenix", "base64url.bearer.phx." + encoded));
    WebSocket ws = Await.result(node.client().connect(options));
    assertEquals("phoenix", ws.subProtocol());
    ws.close();
    // An empty token param (a client that always appends one) does not hide the header's token.
    WebSocket alsoOk =
        Await.result(
            node.client()
                .connect(
                    TestSocket.options(node.port(), "token=&vsn=2.0.0")
                        .setSubProtocols(List.of("phoenix", "base64url.bearer.phx." + encoded))));
    alsoOk.close();
  }

  @Test
  void browserOriginsMustBeTheServersOwnHostOrListed() {
    String query = "token=" + node.token("u1") + "&vsn=2.0.0";
    WebSocketConnectOptions evil =
        TestSocket.options(node.port(), query).addHeader("Origin", "https://evil.example");
    assertEquals(403, refusedStatus(evil));
    for (String origin : List.of("https://app.example.com", "http://127.0.0.1:" + node.port())) {
      WebSocket ws =
          Await.result(
              node.client()
                  .connect(TestSocket.options(node.port(), query).addHeader("Origin", origin)));
      ws.close();
    }
  }

  @Test
  void ownTopicsOnlyForTheirUser() {
    try (TestSocket s = node.connect("42")) {
      assertEquals("ok", status(s.join("1", "notifications:42")));
      JsonObject reply = s.join("2", "notifications:43").getJsonObject(4);
      assertEquals("error", reply.getString("status"));
      assertEquals("unauthorized", reply.getJsonObject("response").getString("reason"));
    }
    // The whole rest of the topic is the owner: user "bob" is not the owner of user "alice:bob"'s
    // topic.
    try (TestSocket bob = node.connect("bob");
        TestSocket aliceBob = node.connect("alice:bob")) {
      assertEquals("unauthorized", TestSocket.reason(bob.join("1", "notifications:alice:bob")));
      assertEquals("ok", status(aliceBob.join("1", "notifications:alice:bob")));
    }
  }

  @Test
  void claimRuleAdmitsOnlyTopicsListedInTheToken() {
    try (TestNode n = TestNode.start(c -> c.addChannel("vip:*", "broadcast", "claim"));
        TestSocket listed =
            n.connectWithQuery("token=" + n.token("u1", List.of("vip:gold")) + "&vsn=2.0.0")) {
      assertEquals("ok", status(listed.join("1", "vip:gold")));
      assertEquals("unauthorized", reason(listed.join("2", "vip:silver")));
    }
  }

  @Test
  void disconnectByUserClosesAllOfThatUsersSocketsWith1001() {
    try (TestSocket a1 = node.connect("leaver");
        TestSocket a2 = node.connect("leaver");
        TestSocket other = node.connect("stayer")) {
      a1.join("1", "room:dc");
      Await.result(
          node.vertx
              .eventBus()
              .request(
                  Addresses.PUBLISH,
                  new JsonObject().put("topic", "user_socket:leaver").put("event", "disconnect")));
      assertEquals(1001, a1.closeCode());
      assertEquals(1001, a2.closeCode());
      other.send(null, "1", "phoenix", "heartbeat", new JsonObject());
      assertEquals("ok", status(other.reply("1")));
    }
  }
}
