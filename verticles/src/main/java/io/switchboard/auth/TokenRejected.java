package io.switchboard.auth;

/**
 * Why {@link TokenVerifier} refused a token. {@code expired} is true only for a correctly signed
 * token whose {@code exp} plus the leeway has passed; everything else (signature, algorithm, {@code
 * nbf} or {@code iat} in the future, issuer, audience, claim types, no {@code sub}) is just
 * invalid. Without a stack trace: refusals are expected input, not failures of ours.
 */
public final class TokenRejected extends Exception {
  private final boolean expired;

  TokenRejected(boolean expired, String message) {
    super(message, null, false, false);
    this.expired = expired;
  }

  public boolean expired() {
    return expired;
  }
}
