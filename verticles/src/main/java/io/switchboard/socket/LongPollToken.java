package io.switchboard.socket;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The session token of a long-poll client: {@code lp1.<instance>.<session>.<mac>}, where {@code
 * instance} names the socket verticle instance that holds the session (its event-bus address, on
 * whichever node), so any instance of any node can route a poll to it, and {@code mac} is
 * HMAC-SHA256 of the rest under a key only that instance knows: only the owner can check it, and
 * only the owner has to. A token outlives neither its session nor its instance (a restarted node
 * has new instance ids and keys). Not a credential of the user: the user's token was verified when
 * the session was made.
 */
final class LongPollToken {
  static final String PREFIX = "lp1.";
  private static final String MAC_ALGORITHM = "HmacSHA256";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final String instance;
  private final SecretKeySpec key;

  LongPollToken(String instance) {
    this.instance = instance;
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    this.key = new SecretKeySpec(secret, MAC_ALGORITHM);
  }

  /** A fresh random id: 16 bytes, base64url (no dots, so it splits cleanly out of a token). */
  static String randomId() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return B64.encodeToString(id);
  }

  /** Whether the string is shaped as a session token (and not, say, a user's JWT). */
  static boolean looksLikeOne(String token) {
    return token != null && token.startsWith(PREFIX);
  }

  /** The instance a token names, or null if it is not shaped as one. */
  static String instanceOf(String token) {
    if (!looksLikeOne(token)) {
      return null;
    }
    String[] parts = token.split("\\.", -1);
    return parts.length == 4 && !parts[1].isEmpty() ? parts[1] : null;
  }

  String instance() {
    return instance;
  }

  String sign(String session) {
    String body = PREFIX + instance + "." + session;
    return body + "." + B64.encodeToString(mac(body));
  }

  /** The session id of a token this instance signed, or null (another's, forged, or malformed). */
  String verify(String token) {
    if (!looksLikeOne(token)) {
      return null;
    }
    int lastDot = token.lastIndexOf('.');
    String body = token.substring(0, lastDot);
    String[] parts = body.split("\\.", -1);
    if (parts.length != 3 || !instance.equals(parts[1]) || parts[2].isEmpty()) {
      return null;
    }
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(token.substring(lastDot + 1));
    } catch (IllegalArgumentException e) {
      return null;
    }
    // Constant time: the mac must not leak byte by byte.
    return MessageDigest.isEqual(mac(body), given) ? parts[2] : null;
  }

  private byte[] mac(String body) {
    try {
      Mac m = Mac.getInstance(MAC_ALGORITHM);
      m.init(key);
      return m.doFinal(body.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
