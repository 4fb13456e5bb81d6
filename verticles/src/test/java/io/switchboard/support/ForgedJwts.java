package io.switchboard.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vertx.core.json.JsonObject;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens as an attacker makes them: any header, any claims, signed with any key or not at all, by
 * hand (no JWT library that would refuse to make a bad one). Every token made here is registered
 * with {@link LogScan#secret}, so a class that uses {@link LogScan} proves none of them is logged.
 */
public final class ForgedJwts {
  public static final String HS256 = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
  public static final String RS256 = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";

  private ForgedJwts() {}

  public static String b64url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static String b64url(String text) {
    return b64url(text.getBytes(UTF_8));
  }

  /** {@code header.claims.signature} as given, nothing computed. */
  public static String raw(String header, String claims, String signature) {
    return LogScan.secret(b64url(header) + "." + b64url(claims) + "." + signature);
  }

  /** HMAC-SHA256 over {@code header.claims} with {@code key}, whatever the header says. */
  public static String hmac(String header, String claims, byte[] key) {
    String input = b64url(header) + "." + b64url(claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return LogScan.secret(input + "." + b64url(mac.doFinal(input.getBytes(UTF_8))));
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** Signed with the test node's secret: what it accepts, claims permitting. */
  public static String hs256(JsonObject claims) {
    return hmac(HS256, claims.encode(), TestNode.SECRET.getBytes(UTF_8));
  }

  /** SHA256withRSA over {@code header.claims} with {@code key}. */
  public static String rsa(String header, String claims, PrivateKey key) {
    String input = b64url(header) + "." + b64url(claims);
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(key);
      rsa.update(input.getBytes(UTF_8));
      return LogScan.secret(input + "." + b64url(rsa.sign()));
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  public static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** The {@code -----BEGIN PUBLIC KEY-----} PEM that {@code auth.publicKey} takes. */
  public static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(UTF_8)).encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  /** A token of {@code length} characters that looks like a JWT and is none. */
  public static String ofLength(int length) {
    StringBuilder token = new StringBuilder(length).append(b64url(HS256)).append('.');
    java.util.Random random = new java.util.Random(length);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    while (token.length() < length - 44) {
      token.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    token.append('.');
    while (token.length() < length) {
      token.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return LogScan.secret(token.toString());
  }
}
