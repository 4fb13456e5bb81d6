package io.switchboard.bench;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256 tokens for many distinct users, signed here with the server's secret (the {@code token}
 * command starts a JVM per token): {@code {"sub", "iat", "exp"}}, as the server's own signer issues
 * them.
 */
final class HsTokens {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private final Mac mac;
  private final String header =
      B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

  HsTokens(String secret) {
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  synchronized String issue(String sub, long ttlSeconds) {
    long now = System.currentTimeMillis() / 1000;
    String claims =
        B64.encodeToString(
            ("{\"sub\":\"" + sub + "\",\"iat\":" + now + ",\"exp\":" + (now + ttlSeconds) + "}")
                .getBytes(StandardCharsets.UTF_8));
    String signed = header + "." + claims;
    return signed
        + "."
        + B64.encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII)));
  }
}
