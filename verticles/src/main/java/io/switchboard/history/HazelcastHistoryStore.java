package io.switchboard.history;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.switchboard.config.ChannelRule;
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

  HazelcastHistoryStore(HazelcastInstance hazelcast) {
    this.map = hazelcast.getMap(Addresses.HISTORY_MAP);
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
      String event, byte[] payload, boolean binary, Promise<StreamPosition> promise) {}

  @Override
  public Future<StreamPosition> append(
      String topic, ChannelRule.History policy, String event, Buffer payload, boolean binary) {
    Context context = Vertx.currentContext();
    Promise<StreamPosition> promise =
        context == null ? Promise.promise() : ((ContextInternal) context).promise();
    Pending pending = new Pending(event, payload.getBytes(), binary, promise);
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
    Append append = new Append(policy, batch, System.currentTimeMillis(), Epochs.next());
    map.submitToKey(topic, append)
        .whenComplete(
            (ref, err) -> {
              for (int i = 0; i < batch.size(); i++) {
                if (err != null) {
                  batch.get(i).promise().tryFail(err);
                } else {
                  StreamPosition first = Append.position(ref);
                  batch
                      .get(i)
                      .promise()
                      .tryComplete(new StreamPosition(first.epoch(), first.offset() + i));
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

  /** Appends a batch of broadcasts; answers {@code "<epoch>:<first offset>"}. */
  public static final class Append
      implements EntryProcessor<String, TopicLog, String>, DataSerializable {
    private int size;
    private long ttlSeconds;
    private long nowMillis;
    private String newEpoch;
    private String batchId;
    private String[] events;
    private byte[][] payloads;
    private boolean[] binary;

    public Append() {}

    Append(ChannelRule.History policy, List<Pending> batch, long nowMillis, String newEpoch) {
      this.size = policy.size();
      this.ttlSeconds = policy.ttlSeconds();
      this.nowMillis = nowMillis;
      this.newEpoch = newEpoch;
      this.batchId = Epochs.next() + Epochs.next();
      int n = batch.size();
      events = new String[n];
      payloads = new byte[n][];
      binary = new boolean[n];
      for (int i = 0; i < n; i++) {
        events[i] = batch.get(i).event();
        payloads[i] = batch.get(i).payload();
        binary[i] = batch.get(i).binary();
      }
    }

    @Override
    public String process(Map.Entry<String, TopicLog> entry) {
      TopicLog log = entry.getValue();
      if (log == null) {
        log = new TopicLog(newEpoch);
      }
      Long applied = log.appliedBatch(batchId);
      if (applied != null) {
        return log.epoch() + ':' + applied; // run again after a lost answer: already in
      }
      ChannelRule.History policy = new ChannelRule.History(size, ttlSeconds);
      long first = 0;
      for (int i = 0; i < events.length; i++) {
        long offset =
            log.append(policy, events[i], Buffer.buffer(payloads[i]), binary[i], nowMillis);
        if (i == 0) {
          first = offset;
        }
      }
      log.batchApplied(batchId, first);
      store(entry, log);
      return log.epoch() + ':' + first;
    }

    static StreamPosition position(String ref) {
      int colon = ref.lastIndexOf(':');
      return new StreamPosition(ref.substring(0, colon), Long.parseLong(ref.substring(colon + 1)));
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeInt(size);
      out.writeLong(ttlSeconds);
      out.writeLong(nowMillis);
      out.writeString(newEpoch);
      out.writeString(batchId);
      out.writeInt(events.length);
      for (int i = 0; i < events.length; i++) {
        out.writeString(events[i]);
        out.writeByteArray(payloads[i]);
        out.writeBoolean(binary[i]);
      }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      size = in.readInt();
      ttlSeconds = in.readLong();
      nowMillis = in.readLong();
      newEpoch = in.readString();
      batchId = in.readString();
      int n = in.readInt();
      events = new String[n];
      payloads = new byte[n][];
      binary = new boolean[n];
      for (int i = 0; i < n; i++) {
        events[i] = in.readString();
        payloads[i] = in.readByteArray();
        binary[i] = in.readBoolean();
      }
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
