package io.switchboard.idempotency;

/**
 * A keyed publish on a topic without history whose claim the cluster did not answer: nothing was
 * published, and the publisher may retry (with the same key).
 */
public final class IdempotencyUnavailable extends RuntimeException {
  public IdempotencyUnavailable(Throwable cause) {
    super("idempotency keys unavailable: " + cause.getMessage(), cause, false, false);
  }
}
