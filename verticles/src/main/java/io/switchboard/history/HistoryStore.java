package io.switchboard.history;

import io.switchboard.config.ChannelRule;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * The kept broadcasts of topics whose rule keeps history ({@code channels[].history}): the seam
 * between the single node's memory and the cluster's Hazelcast map.
 *
 * <p>Contract (checked by {@code HistoryStoreContract} against both):
 *
 * <ul>
 *   <li>Offsets of one topic's stream start at 1 and increase by one per append, whichever node
 *       appends: no gaps, no repeats. Appends from one caller to one topic take offsets in call
 *       order.
 *   <li>A stream is made on its first append or read, with a new epoch; it keeps its epoch until it
 *       is lost ({@link #STREAM_TTL_SECONDS} passed with no append, or every copy of it in the
 *       cluster died), and a stream made again has a different epoch.
 *   <li>A stream keeps its last {@code policy.size()} entries, none older than {@code
 *       policy.ttlSeconds()}.
 *   <li>An append whose idempotency key the stream holds (appended within the window) appends
 *       nothing and answers the first one's position, marked duplicate, whichever node each came
 *       from.
 *   <li>Futures complete on the caller's context when there is one.
 * </ul>
 */
public interface HistoryStore {

  /**
   * A stream with no append for this long is forgotten, epoch included (a client coming back later
   * is told {@code recovered: false}). Longer than any entry's TTL, so a quiet topic keeps its
   * epoch and a client that saw nothing new recovers with nothing to replay, as Centrifugo's
   * history meta TTL.
   */
  long STREAM_TTL_SECONDS = 86_400;

  /**
   * Appends a broadcast; completes with its position once it is kept (in the cluster: backed up).
   */
  default Future<StreamPosition> append(
      String topic, ChannelRule.History policy, String event, Buffer payload, boolean binary) {
    return append(topic, policy, event, payload, binary, null).map(PublishOutcome::position);
  }

  /**
   * Appends a broadcast unless {@code idempotencyKey} (scoped, {@link
   * io.switchboard.idempotency.IdempotencyKey}; null: none) was appended to the topic within the
   * store's idempotency window: a repeat appends nothing and completes with the first one's
   * position, marked duplicate. Repeats are found in the same step as the append, so two racing on
   * two nodes append once. A stream remembers at most {@code TopicLog.MAX_KEYS} keys.
   */
  Future<PublishOutcome> append(
      String topic,
      ChannelRule.History policy,
      String event,
      Buffer payload,
      boolean binary,
      String idempotencyKey);

  /** The kept entries after {@code after}, at most {@code limit} of them, and the stream's head. */
  Future<HistorySlice> read(String topic, ChannelRule.History policy, long after, int limit);

  /** The stream's head now (made, if it was not there). */
  default Future<StreamPosition> head(String topic, ChannelRule.History policy) {
    return read(topic, policy, Long.MAX_VALUE, 0).map(HistorySlice::head);
  }
}
