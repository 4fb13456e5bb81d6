package io.switchboard.history;

import io.switchboard.config.ChannelRule;
import io.switchboard.config.ConfigReader;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A single node's history, in memory: lost with the node (a restart makes new epochs, so recovering
 * clients are told {@code recovered: false}). Each stream is locked for its append or read; a
 * stream with no append for {@link HistoryStore#STREAM_TTL_SECONDS} is dropped by {@link #sweep}.
 */
public final class LocalHistoryStore implements HistoryStore {
  private final ConcurrentHashMap<String, Stream> streams = new ConcurrentHashMap<>();
  private final long idempotencyWindowMillis;

  public LocalHistoryStore() {
    this(ConfigReader.DEFAULT_HISTORY_IDEMPOTENCY_WINDOW_SECONDS);
  }

  public LocalHistoryStore(long idempotencyWindowSeconds) {
    this.idempotencyWindowMillis = idempotencyWindowSeconds * 1000;
  }

  private static final class Stream {
    final TopicLog log = new TopicLog(Epochs.next());
    long appendedMillis = System.currentTimeMillis();
  }

  @Override
  public Future<PublishOutcome> append(
      String topic,
      ChannelRule.History policy,
      String event,
      Buffer payload,
      boolean binary,
      String idempotencyKey) {
    Stream s = streams.computeIfAbsent(topic, t -> new Stream());
    synchronized (s) {
      long now = System.currentTimeMillis();
      long offset =
          s.log.appendOnce(
              policy, idempotencyKey, idempotencyWindowMillis, event, payload, binary, now);
      if (offset > 0) {
        s.appendedMillis = now; // a repeat appended nothing
      }
      return Future.succeededFuture(
          new PublishOutcome(new StreamPosition(s.log.epoch(), Math.abs(offset)), offset < 0));
    }
  }

  @Override
  public Future<HistorySlice> read(
      String topic, ChannelRule.History policy, long after, int limit) {
    Stream s = streams.computeIfAbsent(topic, t -> new Stream());
    synchronized (s) {
      return Future.succeededFuture(s.log.read(policy, after, limit, System.currentTimeMillis()));
    }
  }

  /** Drops the streams nobody appended to for a day; returns how many are left. */
  public int sweep(long nowMillis) {
    streams
        .values()
        .removeIf(
            s -> {
              synchronized (s) {
                return nowMillis - s.appendedMillis > STREAM_TTL_SECONDS * 1000;
              }
            });
    return streams.size();
  }
}
