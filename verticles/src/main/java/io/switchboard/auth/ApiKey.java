package io.switchboard.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.BiPredicate;

/**
 * The server API's key ({@code api.key}) and the one check of a presented key against it, in
 * constant time: both are hashed with SHA-256 and the digests compared with {@link
 * MessageDigest#isEqual}, whose time depends only on the length of its first argument (JDK 17
 * javadoc), here always 32 bytes. So the time taken tells a guesser neither how many leading
 * characters were right nor how long the key is. A missing key is compared too (as the empty
 * string), so every request takes the same path. Thread-safe.
 */
public final class ApiKey {
  private final byte[] expected;
  private final BiPredicate<byte[], byte[]> equal;

  public ApiKey(String key) {
    this(key, MessageDigest::isEqual);
  }

  /**
   * {@code equal} compares the two digests: {@link MessageDigest#isEqual}, or a test's recorder.
   */
  ApiKey(String key, BiPredicate<byte[], byte[]> equal) {
    this.expected = sha256(key);
    this.equal = equal;
  }

  /** Whether {@code given} (null when the request carried none) is the key. */
  public boolean matches(String given) {
    boolean same = equal.test(sha256(given == null ? "" : given), expected);
    return same && given != null;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
