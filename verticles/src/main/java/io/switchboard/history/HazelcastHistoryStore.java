package io.switchboard.history;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.switchboard.config.ChannelRule;
import io.switchboard.config.ConfigReader;
import io.switchboard.protocol.Addresses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * History in the cluster: one entry per topic in the {@code switchboard.history} Hazelcast map (one
 * backup and in-memory format OBJECT, cluster.xml), changed only by entry processors. Every append
 * runs on the partition that owns the topic, one at a time, so offsets are gapless whichever node
 * appends; the processor then runs again on the backup, which therefore holds the same offsets. If
 * both copies of a topic die, its stream is made again with a new epoch. Processors carry the
 * caller's clock and the epoch a new stream would get, so owner and backup agree.
 */
final class HazelcastHistoryStore implements HistoryStore {
  private final IMap<String, TopicLog> map;
  private final long idempotencyWindowMillis;

  HazelcastHistoryStore(HazelcastInstance hazelcast) {
    this(hazelcast, ConfigReader.DEFAULT_HISTORY_IDEMPOTENCY_WINDOW_SECONDS);
  }

  HazelcastHistoryStore(HazelcastInstance hazelcast, long idempotencyWindowSeconds) {
    this.map = hazelcast.getMap(Addresses.HISTORY_MAP);
    this.idempotencyWindowMillis = idempotencyWindowSeconds * 1000;
  }

  /**
   * Appends waiting behind a topic's append in flight, by topic. Hazelcast does not keep the order
   * of a caller's async operations on one key (an operation retried during a migration overtakes
   * the next), so each node sends one append per topic at a time: those that come meanwhile wait
   * here and go as one batch, in call order, with consecutive offsets. A hot topic thus costs one
   * entry-processor round trip per batch, not per broadcast.
   */
  private final ConcurrentHashMap<String, Pipeline> pipelines = new ConcurrentHashMap<>();

  private static final class Pipeline {
    final ChannelRule.History policy;
    List<Pending> waiting = new ArrayList<>();

    Pipeline(ChannelRule.History policy) {
      this.policy = policy;
    }
  }

  private record Pending(
      String event,
      byte[] payload,
      boolean binary,
      String idempotencyKey,
      Promise<PublishOutcome> promise) {}

  @Override
  public Future<PublishOutcome> append(
      String topic,
      ChannelRule.History policy,
      String event,
      Buffer payload,
      boolean binary,
      String idempotencyKey) {
    Context context = Vertx.currentContext();
    Promise<PublishOutcome> promise =
        context == null ? Promise.promise() : ((ContextInternal) context).promise();
    Pending pending = new Pending(event, payload.getBytes(), binary, idempotencyKey, promise);
    boolean[] first = {false};
    pipelines.compute(
        topic,
        (t, p) -> {
          if (p == null) {
            first[0] = true;
            return new Pipeline(policy);
          }
          p.waiting.add(pending);
          return p;
        });
    if (first[0]) {
      send(topic, List.of(pending), policy);
    }
    return promise.future();
  }

  /** Sends one batch; when it is kept, the next batch of whatever waited meanwhile. */
  private void send(String topic, List<Pending> batch, ChannelRule.History policy) {
    Append append =
        new Append(
            policy, batch, System.currentTimeMillis(), Epochs.next(), idempotencyWindowMillis);
    map.submitToKey(topic, append)
        .whenComplete(
            (appended, err) -> {
              for (int i = 0; i < batch.size(); i++) {
                if (err != null) {
                  batch.get(i).promise().tryFail(err);
                } else {
                  batch.get(i).promise().tryComplete(appended.outcome(i));
                }
              }
              List<Pending> next = new ArrayList<>();
              pipelines.computeIfPresent(
                  topic,
                  (t, p) -> {
                    if (p.waiting.isEmpty()) {
                      return null;
                    }
                    next.addAll(p.waiting);
                    p.waiting = new ArrayList<>();
                    return p;
                  });
              if (!next.isEmpty()) {
                send(topic, next, policy);
              }
            });
  }

  @Override
  public Future<HistorySlice> read(
      String topic, ChannelRule.History policy, long after, int limit) {
    Read read = new Read(policy, after, limit, System.currentTimeMillis(), Epochs.next());
    return on(Vertx.currentContext(), map.submitToKey(topic, read)).map(Slice::value);
  }

  private static <T> Future<T> on(Context context, java.util.concurrent.CompletionStage<T> stage) {
    return context == null
        ? Future.fromCompletionStage(stage)
        : Future.fromCompletionStage(stage, context);
  }

  /** Writes the log back with the stream's TTL (which an append renews). */
  private static void store(Map.Entry<String, TopicLog> entry, TopicLog log) {
    ((ExtendedMapEntry<String, TopicLog>) entry)
        .setValue(log, STREAM_TTL_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Appends a batch of broadcasts, each unless its idempotency key was appended within the window
   * (the window and the clock are the caller's, so owner and backup agree).
   */
  public static final class Append
      implements EntryProcessor<String, TopicLog, Appended>, DataSerializable {
    private int size;
    private long ttlSeconds;
    private long nowMillis;
    private long windowMillis;
    private String newEpoch;
    private String batchId;
    private String[] events;
    private byte[][] payloads;
    private boolean[] binary;
    private String[] keys;

    public Append() {}

    Append(
        ChannelRule.History policy,
        List<Pending> batch,
        long nowMillis,
        String newEpoch,
        long windowMillis) {
      this.size = policy.size();
      this.ttlSeconds = policy.ttlSeconds();
      this.nowMillis = nowMillis;
      this.windowMillis = windowMillis;
      this.newEpoch = newEpoch;
      this.batchId = Epochs.next() + Epochs.next();
      int n = batch.size();
      events = new String[n];
      payloads = new byte[n][];
      binary = new boolean[n];
      keys = new String[n];
      for (int i = 0; i < n; i++) {
        events[i] = batch.get(i).event();
        payloads[i] = batch.get(i).payload();
        binary[i] = batch.get(i).binary();
        keys[i] = batch.get(i).idempotencyKey();
      }
    }

    @Override
    public Appended process(Map.Entry<String, TopicLog> entry) {
      TopicLog log = entry.getValue();
      if (log == null) {
        log = new TopicLog(newEpoch);
      }
      long[] applied = log.appliedBatch(batchId);
      if (applied != null) {
        return new Appended(log.epoch(), applied); // run again after a lost answer: already in
      }
      ChannelRule.History policy = new ChannelRule.History(size, ttlSeconds);
      long[] offsets = new long[events.length];
      boolean repeats = false;
      for (int i = 0; i < events.length; i++) {
        offsets[i] =
            log.appendOnce(
                policy,
                keys[i],
                windowMillis,
                events[i],
                Buffer.buffer(payloads[i]),
                binary[i],
                nowMillis);
        repeats |= offsets[i] < 0;
      }
      // Without repeats the offsets are consecutive: the first says it all (the usual case).
      long[] result = repeats ? offsets : new long[] {offsets[0]};
      log.batchApplied(batchId, result);
      store(entry, log); // also after repeats alone: the batch id must outlive a lost answer
      return new Appended(log.epoch(), result);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeInt(size);
      out.writeLong(ttlSeconds);
      out.writeLong(nowMillis);
      out.writeLong(windowMillis);
      out.writeString(newEpoch);
      out.writeString(batchId);
      out.writeInt(events.length);
      for (int i = 0; i < events.length; i++) {
        out.writeString(events[i]);
        out.writeByteArray(payloads[i]);
        out.writeBoolean(binary[i]);
        out.writeString(keys[i]);
      }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      size = in.readInt();
      ttlSeconds = in.readLong();
      nowMillis = in.readLong();
      windowMillis = in.readLong();
      newEpoch = in.readString();
      batchId = in.readString();
      int n = in.readInt();
      events = new String[n];
      payloads = new byte[n][];
      binary = new boolean[n];
      keys = new String[n];
      for (int i = 0; i < n; i++) {
        events[i] = in.readString();
        payloads[i] = in.readByteArray();
        binary[i] = in.readBoolean();
        keys[i] = in.readString();
      }
    }
  }

  /**
   * What a batch got, on its way back from the topic's owner: the epoch and either {@code {first
   * offset}} (all appended, consecutively) or per broadcast its offset, negated for a repeat (the
   * first one's offset).
   */
  public static final class Appended implements DataSerializable {
    private String epoch;
    private long[] offsets;

    public Appended() {}

    Appended(String epoch, long[] offsets) {
      this.epoch = epoch;
      this.offsets = offsets;
    }

    PublishOutcome outcome(int i) {
      long o = offsets.length == 1 && offsets[0] > 0 ? offsets[0] + i : offsets[i];
      return new PublishOutcome(new StreamPosition(epoch, Math.abs(o)), o < 0);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(epoch);
      out.writeLongArray(offsets);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      epoch = in.readString();
      offsets = in.readLongArray();
    }
  }

  /** Reads a slice; makes the stream (and writes it) only when it is not there. */
  public static final class Read
      implements EntryProcessor<String, TopicLog, Slice>, DataSerializable {
    private int size;
    private long ttlSeconds;
    private long after;
    private int limit;
    private long nowMillis;
    private String newEpoch;

    public Read() {}

    Read(ChannelRule.History policy, long after, int limit, long nowMillis, String newEpoch) {
      this.size = policy.size();
      this.ttlSeconds = policy.ttlSeconds();
      this.after = after;
      this.limit = limit;
      this.nowMillis = nowMillis;
      this.newEpoch = newEpoch;
    }

    @Override
    public Slice process(Map.Entry<String, TopicLog> entry) {
      TopicLog log = entry.getValue();
      if (log == null) {
        log = new TopicLog(newEpoch);
        store(entry, log);
      }
      return new Slice(
          log.read(new ChannelRule.History(size, ttlSeconds), after, limit, nowMillis));
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeInt(size);
      out.writeLong(ttlSeconds);
      out.writeLong(after);
      out.writeInt(limit);
      out.writeLong(nowMillis);
      out.writeString(newEpoch);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      size = in.readInt();
      ttlSeconds = in.readLong();
      after = in.readLong();
      limit = in.readInt();
      nowMillis = in.readLong();
      newEpoch = in.readString();
    }
  }

  /** A {@link HistorySlice} on its way back from the topic's owner. */
  public static final class Slice implements DataSerializable {
    private HistorySlice value;

    public Slice() {}

    Slice(HistorySlice value) {
      this.value = value;
    }

    HistorySlice value() {
      return value;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(value.head().epoch());
      out.writeLong(value.head().offset());
      out.writeLong(value.firstKept());
      out.writeInt(value.entries().size());
      for (HistoryEntry e : value.entries()) {
        TopicLog.write(out, e);
      }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      StreamPosition head = new StreamPosition(in.readString(), in.readLong());
      long firstKept = in.readLong();
      int n = in.readInt();
      List<HistoryEntry> entries = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        entries.add(TopicLog.readEntry(in));
      }
      value = new HistorySlice(head, firstKept, entries);
    }
  }
}
