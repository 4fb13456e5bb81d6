package io.switchboard.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigReader;
import io.switchboard.support.Await;
import io.switchboard.support.Jwts;
import io.switchboard.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a verified token says about its own end, and which refusals count as expired: the socket's
 * deadline and the {@code access_token} reply are built on these.
 */
class TokenVerifierTest {
  static Vertx vertx;
  static TokenVerifier verifier; // the shipped auth config: leeway 30 s

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    verifier =
        TokenVerifier.create(
            vertx, ConfigReader.read(TestNode.baseConfig()).auth(), TestNode.SECRET);
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  private static TokenRejected refusal(String token) {
    return assertInstanceOf(TokenRejected.class, Await.failure(verifier.verifyToken(token)));
  }

  @Test
  void aTokenIsAcceptedUntilItsExpPlusTheLeeway() {
    long exp = Jwts.nowSeconds() + 600;
    VerifiedToken t = Await.result(verifier.verifyToken(Jwts.expiringAt("ann", exp)));
    assertEquals(new Principal("ann", java.util.Set.of()), t.user());
    assertEquals((exp + 30) * 1000, t.acceptedUntilMillis());
  }

  @Test
  void aTokenWithoutExpNeverEnds() {
    VerifiedToken t =
        Await.result(verifier.verifyToken(Jwts.hs256(new JsonObject().put("sub", "x"))));
    assertEquals(VerifiedToken.NEVER, t.acceptedUntilMillis());
  }

  @Test
  void onlyAnExpiredTokenIsRefusedAsExpired() {
    long now = Jwts.nowSeconds();
    // Within the leeway: still accepted.
    assertEquals("ann", Await.result(verifier.verify(Jwts.expiringAt("ann", now - 10))).userId());
    assertTrue(refusal(Jwts.expiringAt("ann", now - 31)).expired());

    JsonObject notYet =
        new JsonObject().put("sub", "ann").put("nbf", now + 300).put("exp", now + 600);
    assertFalse(refusal(Jwts.hs256(notYet)).expired(), "nbf in the future is not an expiry");
    String forgedAndExpired =
        Jwts.hs256(
            new JsonObject().put("sub", "ann").put("exp", now - 600),
            "another-secret-that-is-at-least-32-bytes!");
    assertFalse(refusal(forgedAndExpired).expired(), "a bad signature is not an expiry");
    assertFalse(refusal("not-a-jwt").expired());
    assertFalse(refusal(Jwts.hs256(new JsonObject().put("exp", now + 600))).expired()); // no sub
  }
}
