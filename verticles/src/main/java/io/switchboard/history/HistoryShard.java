package io.switchboard.history;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The streams of the topics that hash to one shard: the value of one {@code switchboard.history}
 * entry. Topics share an entry so that one entry-processor call (and one backup) carries the
 * appends of many topics: Hazelcast's cost is per call, not per byte (docs/BENCHMARKS.md). Changed
 * only by entry processors, on the owner and again on the backup, so everything here is
 * deterministic: times come from the caller. Not thread-safe (a partition thread at a time).
 */
final class HistoryShard implements DataSerializable {
  /** By topic, least recently appended first, so that {@link #sweep} stops at the first kept. */
  private LinkedHashMap<String, Stream> streams = new LinkedHashMap<>();

  /**
   * What the last few appended batches got, by batch id: Hazelcast runs an operation again when its
   * first run's answer was lost to a migration or a member change (at least once), and a batch must
   * not be appended twice.
   */
  private LinkedHashMap<String, HazelcastHistoryStore.Appended> recentBatches =
      new LinkedHashMap<>();

  static final int RECENT_BATCHES = 64;

  private static final class Stream {
    final TopicLog log;
    long appendedMillis;

    Stream(TopicLog log, long appendedMillis) {
      this.log = log;
      this.appendedMillis = appendedMillis;
    }
  }

  /** For Hazelcast's deserialization. */
  public HistoryShard() {}

  /** The topic's stream, made with {@code newEpoch} if it is not there. */
  TopicLog stream(String topic, String newEpoch, long nowMillis) {
    Stream s = streams.get(topic);
    if (s == null) {
      s = new Stream(new TopicLog(newEpoch), nowMillis);
      streams.put(topic, s);
    }
    return s.log;
  }

  boolean has(String topic) {
    return streams.containsKey(topic);
  }

  /** Marks the topic appended to now: it moves to the back of the sweep's order. */
  void appended(String topic, long nowMillis) {
    Stream s = streams.remove(topic);
    s.appendedMillis = nowMillis;
    streams.put(topic, s);
  }

  /**
   * Forgets the streams with no append for {@link HistoryStore#STREAM_TTL_SECONDS}, epoch and all.
   * Costs only what it forgets: the streams are in append order.
   */
  void sweep(long nowMillis) {
    long oldest = nowMillis - HistoryStore.STREAM_TTL_SECONDS * 1000;
    Iterator<Stream> it = streams.values().iterator();
    while (it.hasNext() && it.next().appendedMillis < oldest) {
      it.remove();
    }
  }

  boolean isEmpty() {
    return streams.isEmpty();
  }

  HazelcastHistoryStore.Appended appliedBatch(String batchId) {
    return recentBatches.get(batchId);
  }

  void batchApplied(String batchId, HazelcastHistoryStore.Appended appended) {
    recentBatches.put(batchId, appended);
    if (recentBatches.size() > RECENT_BATCHES) {
      recentBatches.remove(recentBatches.keySet().iterator().next());
    }
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(streams.size());
    for (Map.Entry<String, Stream> s : streams.entrySet()) {
      out.writeString(s.getKey());
      out.writeLong(s.getValue().appendedMillis);
      s.getValue().log.writeData(out);
    }
    out.writeInt(recentBatches.size());
    for (Map.Entry<String, HazelcastHistoryStore.Appended> b : recentBatches.entrySet()) {
      out.writeString(b.getKey());
      b.getValue().writeData(out);
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    streams = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String topic = in.readString();
      long appendedMillis = in.readLong();
      TopicLog log = new TopicLog();
      log.readData(in);
      streams.put(topic, new Stream(log, appendedMillis));
    }
    int batches = in.readInt();
    recentBatches = new LinkedHashMap<>();
    for (int i = 0; i < batches; i++) {
      String id = in.readString();
      HazelcastHistoryStore.Appended appended = new HazelcastHistoryStore.Appended();
      appended.readData(in);
      recentBatches.put(id, appended);
    }
  }
}
