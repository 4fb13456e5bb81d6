package io.switchboard.history;

/**
 * What became of a publish: where its broadcast went, and whether it was a repeat of an earlier
 * publish with the same {@code idempotency_key} (then nothing was sent, and the position is the
 * first one's).
 *
 * @param position the broadcast's place in its topic's stream; null on a topic without history
 * @param duplicate a repeat within the idempotency window: published nothing
 */
public record PublishOutcome(StreamPosition position, boolean duplicate) {
  /** Sent, on a topic without history. */
  public static final PublishOutcome SENT = new PublishOutcome(null, false);

  /** A repeat, on a topic without history. */
  public static final PublishOutcome REPEAT = new PublishOutcome(null, true);
}
