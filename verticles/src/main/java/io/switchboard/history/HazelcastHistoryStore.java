package io.switchboard.history;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
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

/**
 * History in the cluster: the {@code switchboard.history} Hazelcast map (one backup and in-memory
 * format OBJECT, cluster.xml) holds {@link #SHARDS} entries, each the streams of the topics that
 * hash to it ({@link HistoryShard}), changed only by entry processors. Every append runs on the
 * partition that owns the shard, one at a time, so offsets are gapless whichever node appends; the
 * processor then runs again on the backup, which therefore holds the same offsets. If both copies
 * of a shard die, its topics' streams are made again with new epochs. Processors carry the caller's
 * clock and the epoch a new stream would get, so owner and backup agree.
 */
final class HazelcastHistoryStore implements HistoryStore {
  /**
   * Entries the history is spread over. Few, so that appends to different topics travel together:
   * one entry-processor call and its backup cost about 150 µs of CPU on this machine whatever they
   * carry, and with one entry per topic a publish-heavy cluster spent its CPU on calls
   * (docs/BENCHMARKS.md). Enough that the shards, and so the appends, spread over the members and
   * their partition threads. Every node must hash alike: a constant, not a setting.
   */
  static final int SHARDS = 64;

  private final IMap<String, HistoryShard> map;
  private final long idempotencyWindowMillis;

  HazelcastHistoryStore(HazelcastInstance hazelcast) {
    this(hazelcast, ConfigReader.DEFAULT_HISTORY_IDEMPOTENCY_WINDOW_SECONDS);
  }

  HazelcastHistoryStore(HazelcastInstance hazelcast, long idempotencyWindowSeconds) {
    this.map = hazelcast.getMap(Addresses.HISTORY_MAP);
    this.idempotencyWindowMillis = idempotencyWindowSeconds * 1000;
  }

  /** The map key of the shard that holds {@code topic}'s stream (String.hashCode is the JDK's). */
  static String shardOf(String topic) {
    return "shard-" + Math.floorMod(topic.hashCode(), SHARDS);
  }

  /**
   * Appends waiting behind a shard's append in flight, by shard. Hazelcast does not keep the order
   * of a caller's async operations on one key (an operation retried during a migration overtakes
   * the next), so each node sends one append per shard at a time: those that come meanwhile, for
   * any of its topics, wait here and go as one batch, in call order. The busier the node, the
   * bigger the batches: the calls per second stay about the same while the appends they carry grow.
   */
  private final ConcurrentHashMap<String, Pipeline> pipelines = new ConcurrentHashMap<>();

  private static final class Pipeline {
    List<Pending> waiting = new ArrayList<>();
  }

  private record Pending(
      String topic,
      ChannelRule.History policy,
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
    Pending pending =
        new Pending(topic, policy, event, payload.getBytes(), binary, idempotencyKey, promise);
    String shard = shardOf(topic);
    boolean[] first = {false};
    pipelines.compute(
        shard,
        (k, p) -> {
          if (p == null) {
            first[0] = true;
            return new Pipeline();
          }
          p.waiting.add(pending);
          return p;
        });
    if (first[0]) {
      send(shard, List.of(pending));
    }
    return promise.future();
  }

  /** Sends one batch; when it is kept, the next batch of whatever waited meanwhile. */
  private void send(String shard, List<Pending> batch) {
    Append append = new Append(batch, System.currentTimeMillis(), idempotencyWindowMillis);
    map.submitToKey(shard, append)
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
                  shard,
                  (k, p) -> {
                    if (p.waiting.isEmpty()) {
                      return null;
                    }
                    next.addAll(p.waiting);
                    p.waiting = new ArrayList<>();
                    return p;
                  });
              if (!next.isEmpty()) {
                send(shard, next);
              }
            });
  }

  @Override
  public Future<HistorySlice> read(
      String topic, ChannelRule.History policy, long after, int limit) {
    Read read = new Read(topic, policy, after, limit, System.currentTimeMillis(), Epochs.next());
    return on(Vertx.currentContext(), map.submitToKey(shardOf(topic), read)).map(Slice::value);
  }

  private static <T> Future<T> on(Context context, java.util.concurrent.CompletionStage<T> stage) {
    return context == null
        ? Future.fromCompletionStage(stage)
        : Future.fromCompletionStage(stage, context);
  }

  /**
   * Appends a batch of broadcasts to one shard's topics, each unless its idempotency key was
   * appended to its topic within the window (the window and the clock are the caller's, so owner
   * and backup agree), then forgets the shard's streams that went a day without an append.
   */
  public static final class Append
      implements EntryProcessor<String, HistoryShard, Appended>, DataSerializable {
    private long nowMillis;
    private long windowMillis;
    private String batchId;
    private String[] topics;
    private String[] newEpochs;
    private int[] sizes;
    private long[] ttlSeconds;
    private String[] events;
    private byte[][] payloads;
    private boolean[] binary;
    private String[] keys;

    public Append() {}

    Append(List<Pending> batch, long nowMillis, long windowMillis) {
      this.nowMillis = nowMillis;
      this.windowMillis = windowMillis;
      this.batchId = Epochs.next() + Epochs.next();
      int n = batch.size();
      topics = new String[n];
      newEpochs = new String[n];
      sizes = new int[n];
      ttlSeconds = new long[n];
      events = new String[n];
      payloads = new byte[n][];
      binary = new boolean[n];
      keys = new String[n];
      for (int i = 0; i < n; i++) {
        Pending p = batch.get(i);
        topics[i] = p.topic();
        newEpochs[i] = Epochs.next();
        sizes[i] = p.policy().size();
        ttlSeconds[i] = p.policy().ttlSeconds();
        events[i] = p.event();
        payloads[i] = p.payload();
        binary[i] = p.binary();
        keys[i] = p.idempotencyKey();
      }
    }

    @Override
    public Appended process(Map.Entry<String, HistoryShard> entry) {
      HistoryShard shard = entry.getValue();
      if (shard == null) {
        shard = new HistoryShard();
      }
      Appended applied = shard.appliedBatch(batchId);
      if (applied != null) {
        return applied; // run again after a lost answer: already in
      }
      int n = topics.length;
      String[] epochs = new String[n];
      long[] offsets = new long[n];
      for (int i = 0; i < n; i++) {
        TopicLog log = shard.stream(topics[i], newEpochs[i], nowMillis);
        offsets[i] =
            log.appendOnce(
                new ChannelRule.History(sizes[i], ttlSeconds[i]),
                keys[i],
                windowMillis,
                events[i],
                Buffer.buffer(payloads[i]),
                binary[i],
                nowMillis);
        if (offsets[i] > 0) {
          shard.appended(topics[i], nowMillis); // a repeat appended nothing
        }
        epochs[i] = log.epoch();
      }
      shard.sweep(nowMillis);
      Appended result = new Appended(epochs, offsets);
      shard.batchApplied(
          batchId, result); // also after repeats alone: it must outlive a lost answer
      entry.setValue(shard);
      return result;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeLong(nowMillis);
      out.writeLong(windowMillis);
      out.writeString(batchId);
      out.writeInt(topics.length);
      for (int i = 0; i < topics.length; i++) {
        out.writeString(topics[i]);
        out.writeString(newEpochs[i]);
        out.writeInt(sizes[i]);
        out.writeLong(ttlSeconds[i]);
        out.writeString(events[i]);
        out.writeByteArray(payloads[i]);
        out.writeBoolean(binary[i]);
        out.writeString(keys[i]);
      }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      nowMillis = in.readLong();
      windowMillis = in.readLong();
      batchId = in.readString();
      int n = in.readInt();
      topics = new String[n];
      newEpochs = new String[n];
      sizes = new int[n];
      ttlSeconds = new long[n];
      events = new String[n];
      payloads = new byte[n][];
      binary = new boolean[n];
      keys = new String[n];
      for (int i = 0; i < n; i++) {
        topics[i] = in.readString();
        newEpochs[i] = in.readString();
        sizes[i] = in.readInt();
        ttlSeconds[i] = in.readLong();
        events[i] = in.readString();
        payloads[i] = in.readByteArray();
        binary[i] = in.readBoolean();
        keys[i] = in.readString();
      }
    }
  }

  /**
   * What a batch got, on its way back from the shard's owner: per broadcast its topic's epoch and
   * its offset, negated for a repeat (the first one's offset).
   */
  public static final class Appended implements DataSerializable {
    private String[] epochs;
    private long[] offsets;

    public Appended() {}

    Appended(String[] epochs, long[] offsets) {
      this.epochs = epochs;
      this.offsets = offsets;
    }

    PublishOutcome outcome(int i) {
      return new PublishOutcome(
          new StreamPosition(epochs[i], Math.abs(offsets[i])), offsets[i] < 0);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeInt(epochs.length);
      for (String e : epochs) {
        out.writeString(e);
      }
      out.writeLongArray(offsets);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      int n = in.readInt();
      epochs = new String[n];
      for (int i = 0; i < n; i++) {
        epochs[i] = in.readString();
      }
      offsets = in.readLongArray();
    }
  }

  /**
   * Reads a slice of one topic; makes its stream (and writes the shard) only when it is not there.
   */
  public static final class Read
      implements EntryProcessor<String, HistoryShard, Slice>, DataSerializable {
    private String topic;
    private int size;
    private long ttlSeconds;
    private long after;
    private int limit;
    private long nowMillis;
    private String newEpoch;

    public Read() {}

    Read(
        String topic,
        ChannelRule.History policy,
        long after,
        int limit,
        long nowMillis,
        String newEpoch) {
      this.topic = topic;
      this.size = policy.size();
      this.ttlSeconds = policy.ttlSeconds();
      this.after = after;
      this.limit = limit;
      this.nowMillis = nowMillis;
      this.newEpoch = newEpoch;
    }

    @Override
    public Slice process(Map.Entry<String, HistoryShard> entry) {
      HistoryShard shard = entry.getValue();
      if (shard == null) {
        shard = new HistoryShard();
      }
      boolean made = !shard.has(topic);
      TopicLog log = shard.stream(topic, newEpoch, nowMillis);
      if (made) {
        entry.setValue(shard);
      }
      return new Slice(
          log.read(new ChannelRule.History(size, ttlSeconds), after, limit, nowMillis));
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(topic);
      out.writeInt(size);
      out.writeLong(ttlSeconds);
      out.writeLong(after);
      out.writeInt(limit);
      out.writeLong(nowMillis);
      out.writeString(newEpoch);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      topic = in.readString();
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
