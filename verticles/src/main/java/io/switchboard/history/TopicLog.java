package io.switchboard.history;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.switchboard.config.ChannelRule;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One topic's stream: its epoch, its last offset and its kept entries, oldest first. The same class
 * is the single node's and the cluster's (in a {@link HistoryShard}, changed only by entry
 * processors, which run it on the key's owner and again on its backup: it must be deterministic, so
 * times and new epochs come from the caller). Not thread-safe.
 */
public final class TopicLog implements DataSerializable {
  private String epoch;
  private long last;
  private ArrayDeque<HistoryEntry> entries = new ArrayDeque<>();

  /**
   * The idempotency keys of the window, oldest first: scoped key → the offset its first publish got
   * and when. Kept here, not beside the stream, so that a repeat is found atomically with the
   * append that would publish it, on owner and backup alike.
   */
  private LinkedHashMap<String, KeyedOffset> recentKeys = new LinkedHashMap<>();

  /**
   * Keys a stream remembers; past it the oldest are forgotten before their window ends (a repeat of
   * one then publishes again). About 3 MB per stream at the longest keys.
   */
  static final int MAX_KEYS = 10_000;

  private record KeyedOffset(long offset, long atMillis) {}

  /** For Hazelcast's deserialization. */
  public TopicLog() {}

  TopicLog(String epoch) {
    this.epoch = epoch;
  }

  long append(
      ChannelRule.History policy, String event, Buffer payload, boolean binary, long nowMillis) {
    last++;
    entries.addLast(new HistoryEntry(last, event, payload, binary, nowMillis));
    trim(policy, nowMillis);
    return last;
  }

  /**
   * Appends unless {@code key} (null: none) was published within the window. Answers the offset the
   * broadcast got, or for a repeat minus the offset the first one got (nothing appended).
   */
  long appendOnce(
      ChannelRule.History policy,
      String key,
      long windowMillis,
      String event,
      Buffer payload,
      boolean binary,
      long nowMillis) {
    if (key == null) {
      return append(policy, event, payload, binary, nowMillis);
    }
    forgetKeysBefore(nowMillis - windowMillis);
    KeyedOffset first = recentKeys.get(key);
    if (first != null && first.atMillis() >= nowMillis - windowMillis) {
      return -first.offset();
    }
    long offset = append(policy, event, payload, binary, nowMillis);
    recentKeys.remove(key); // an expired one: re-inserted last, so the map stays oldest first
    recentKeys.put(key, new KeyedOffset(offset, nowMillis));
    if (recentKeys.size() > MAX_KEYS) {
      recentKeys.remove(recentKeys.keySet().iterator().next());
    }
    return offset;
  }

  private void forgetKeysBefore(long oldestMillis) {
    Iterator<KeyedOffset> it = recentKeys.values().iterator();
    while (it.hasNext() && it.next().atMillis() < oldestMillis) {
      it.remove();
    }
  }

  /**
   * Changes nothing (a read's entry processor sets no value): entries past the policy's size or age
   * are skipped here and dropped by the next append.
   */
  HistorySlice read(ChannelRule.History policy, long after, int limit, long nowMillis) {
    long oldest = nowMillis - policy.ttlSeconds() * 1000;
    long firstKept = Math.max(last + 1 - policy.size(), 1);
    for (HistoryEntry e : entries) {
      if (e.offset() >= firstKept && e.atMillis() >= oldest) {
        firstKept = e.offset();
        break;
      }
      firstKept = Math.max(firstKept, e.offset() + 1);
    }
    List<HistoryEntry> found = new ArrayList<>(Math.min(Math.max(limit, 0), entries.size()));
    if (limit > 0 && after < last) {
      for (HistoryEntry e : entries) {
        if (e.offset() > after && e.offset() >= firstKept) {
          found.add(e);
          if (found.size() == limit) {
            break;
          }
        }
      }
    }
    return new HistorySlice(new StreamPosition(epoch, last), firstKept, found);
  }

  String epoch() {
    return epoch;
  }

  private void trim(ChannelRule.History policy, long nowMillis) {
    while (entries.size() > policy.size()) {
      entries.removeFirst();
    }
    long oldest = nowMillis - policy.ttlSeconds() * 1000;
    Iterator<HistoryEntry> it = entries.iterator();
    while (it.hasNext() && it.next().atMillis() < oldest) {
      it.remove();
    }
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(epoch);
    out.writeLong(last);
    out.writeInt(entries.size());
    for (HistoryEntry e : entries) {
      write(out, e);
    }
    out.writeInt(recentKeys.size());
    for (Map.Entry<String, KeyedOffset> k : recentKeys.entrySet()) {
      out.writeString(k.getKey());
      out.writeLong(k.getValue().offset());
      out.writeLong(k.getValue().atMillis());
    }
  }

  static void write(ObjectDataOutput out, HistoryEntry e) throws IOException {
    out.writeLong(e.offset());
    out.writeString(e.event());
    out.writeByteArray(e.payload().getBytes());
    out.writeBoolean(e.binary());
    out.writeLong(e.atMillis());
  }

  static HistoryEntry readEntry(ObjectDataInput in) throws IOException {
    return new HistoryEntry(
        in.readLong(),
        in.readString(),
        Buffer.buffer(in.readByteArray()),
        in.readBoolean(),
        in.readLong());
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    epoch = in.readString();
    last = in.readLong();
    int n = in.readInt();
    entries = new ArrayDeque<>(n);
    for (int i = 0; i < n; i++) {
      entries.addLast(readEntry(in));
    }
    int keys = in.readInt();
    recentKeys = new LinkedHashMap<>();
    for (int i = 0; i < keys; i++) {
      recentKeys.put(in.readString(), new KeyedOffset(in.readLong(), in.readLong()));
    }
  }
}
