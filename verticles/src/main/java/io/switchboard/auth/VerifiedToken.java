package io.switchboard.auth;

/**
 * A token that passed {@link TokenVerifier}: who it names, and until when the verifier would still
 * accept it.
 *
 * @param user the {@code sub} and {@code topics} claims
 * @param acceptedUntilMillis wall-clock time (epoch ms) at which the token's {@code exp} plus
 *     {@code auth.leewaySeconds} passes, the moment an upgrade with it would be refused; {@link
 *     #NEVER} for a token without {@code exp}
 */
public record VerifiedToken(Principal user, long acceptedUntilMillis) {
  /** A token without {@code exp}: accepted for as long as its key is. */
  public static final long NEVER = Long.MAX_VALUE;
}
