package io.switchboard.support;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256 tokens signed by hand, so a test controls every claim (an {@code exp} a few seconds ahead
 * or already past, another {@code sub}) and the key; {@link TestNode#token} only makes valid
 * 10-minute ones.
 */
public final class Jwts {
  private static final String HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

  private Jwts() {}

  /** Signed with {@link TestNode#SECRET}: what the node accepts, claims permitting. */
  public static String hs256(JsonObject claims) {
    return hs256(claims, TestNode.SECRET);
  }

  public static String hs256(JsonObject claims, String secret) {
    String signingInput = b64url(HEADER) + "." + b64url(claims.encode());
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return signingInput
          + "."
          + Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** {@code {"sub": sub, "exp": now + seconds}}, seconds may be negative (already expired). */
  public static String expiringIn(String sub, long seconds) {
    return hs256(new JsonObject().put("sub", sub).put("exp", nowSeconds() + seconds));
  }

  /** {@code {"sub": sub, "exp": exp}}: tokens that must die at the same second. */
  public static String expiringAt(String sub, long exp) {
    return hs256(new JsonObject().put("sub", sub).put("exp", exp));
  }

  public static long nowSeconds() {
    return System.currentTimeMillis() / 1000;
  }

  private static String b64url(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
