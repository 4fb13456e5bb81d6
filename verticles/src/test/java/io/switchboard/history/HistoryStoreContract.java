package io.switchboard.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ChannelRule;
import io.switchboard.support.Await;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link HistoryStore} promises (see its javadoc); run against memory and a real
 * two-member Hazelcast cluster.
 */
abstract class HistoryStoreContract {
  static final ChannelRule.History KEEP_5 = new ChannelRule.History(5, 300);

  /** A store (a new view of the same history on each call, as a node makes one at start). */
  protected abstract HistoryStore store();

  /** Another view of the same history (another member), or the same store on a single node. */
  protected abstract HistoryStore peer();

  static String topic() {
    return "room:" + UUID.randomUUID();
  }

  static StreamPosition append(HistoryStore s, String topic, String event) {
    return Await.result(
        s.append(topic, KEEP_5, event, Buffer.buffer("{\"e\":\"" + event + "\"}"), false));
  }

  @Test
  void offsetsStartAtOneAndIncreaseByOneWhicheverMemberAppends() {
    String t = topic();
    StreamPosition head = Await.result(store().head(t, KEEP_5));
    assertEquals(0, head.offset());
    StreamPosition one = append(store(), t, "a");
    StreamPosition two = append(peer(), t, "b");
    StreamPosition three = append(store(), t, "c");
    assertEquals(new StreamPosition(head.epoch(), 1), one);
    assertEquals(new StreamPosition(head.epoch(), 2), two);
    assertEquals(new StreamPosition(head.epoch(), 3), three);
  }

  @Test
  void concurrentAppendsFromOneCallerTakeOffsetsInCallOrder() {
    String t = topic();
    // One store, as a node has one: its order is what is promised (two stores are two callers).
    HistoryStore s = store();
    List<Future<StreamPosition>> appends = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      appends.add(
          s.append(t, new ChannelRule.History(1000, 300), "e" + i, Buffer.buffer("{}"), true));
    }
    for (int i = 0; i < 200; i++) {
      assertEquals(i + 1, Await.result(appends.get(i)).offset());
    }
    HistorySlice all = Await.result(peer().read(t, new ChannelRule.History(1000, 300), 0, 1000));
    assertEquals(200, all.entries().size());
    for (int i = 0; i < 200; i++) {
      assertEquals("e" + i, all.entries().get(i).event());
      assertTrue(all.entries().get(i).binary());
    }
  }

  @Test
  void interleavedAppendsToManyTopicsEachTakeTheirOwnGaplessOffsetsAndEpoch() {
    // Enough topics that several share a shard of the cluster's map, appended to in one burst, so
    // that one batch carries appends of different topics.
    HistoryStore s = store();
    ChannelRule.History keep = new ChannelRule.History(1000, 300);
    List<String> topics = new ArrayList<>();
    for (int t = 0; t < 150; t++) {
      topics.add(topic());
    }
    List<Future<StreamPosition>> appends = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      for (String t : topics) {
        appends.add(s.append(t, keep, t + "#" + i, Buffer.buffer("{}"), false));
      }
    }
    java.util.Set<String> epochs = new java.util.HashSet<>();
    for (int i = 0; i < 4; i++) {
      for (int t = 0; t < topics.size(); t++) {
        StreamPosition p = Await.result(appends.get(i * topics.size() + t));
        assertEquals(i + 1, p.offset(), topics.get(t));
        if (i == 0) {
          epochs.add(p.epoch());
        }
      }
    }
    assertEquals(topics.size(), epochs.size(), "every new stream has an epoch of its own");
    for (String t : topics) {
      HistorySlice slice = Await.result(peer().read(t, keep, 0, 10));
      assertEquals(4, slice.entries().size(), t);
      for (int i = 0; i < 4; i++) {
        assertEquals(t + "#" + i, slice.entries().get(i).event());
      }
    }
  }

  @Test
  void aReadGivesTheEntriesAfterAnOffsetUpToALimitAndTheHead() {
    String t = topic();
    for (String e : List.of("a", "b", "c", "d")) {
      append(store(), t, e);
    }
    HistorySlice slice = Await.result(peer().read(t, KEEP_5, 1, 2));
    assertEquals(4, slice.head().offset());
    assertEquals(1, slice.firstKept());
    assertEquals(List.of(2L, 3L), slice.entries().stream().map(HistoryEntry::offset).toList());
    assertEquals(Buffer.buffer("{\"e\":\"b\"}"), slice.entries().get(0).payload());
    assertTrue(slice.reaches(slice.head().epoch(), 0));
    assertTrue(slice.reaches(slice.head().epoch(), 4));
    assertFalse(slice.reaches(slice.head().epoch(), 5), "a position past the head");
    assertFalse(slice.reaches("other", 2), "another epoch");
  }

  @Test
  void aStreamKeepsItsLastSizeEntries() {
    String t = topic();
    for (int i = 0; i < 8; i++) {
      append(store(), t, "e" + i);
    }
    HistorySlice slice = Await.result(peer().read(t, KEEP_5, 0, 100));
    assertEquals(4, slice.firstKept());
    assertEquals(
        List.of(4L, 5L, 6L, 7L, 8L), slice.entries().stream().map(HistoryEntry::offset).toList());
    assertFalse(slice.reaches(slice.head().epoch(), 2), "offset 3 is gone");
    assertTrue(slice.reaches(slice.head().epoch(), 3));
  }

  @Test
  void aSmallerPolicyOnReadHidesWhatItWouldNotKeep() {
    String t = topic();
    for (int i = 0; i < 4; i++) {
      append(store(), t, "e" + i);
    }
    HistorySlice slice = Await.result(store().read(t, new ChannelRule.History(2, 300), 0, 100));
    assertEquals(3, slice.firstKept());
    assertEquals(2, slice.entries().size());
  }

  @Test
  void differentTopicsHaveDifferentEpochs() {
    assertNotEquals(
        Await.result(store().head(topic(), KEEP_5)).epoch(),
        Await.result(store().head(topic(), KEEP_5)).epoch());
  }

  @Test
  void aReadOfANewTopicMakesItsStreamSoTheEpochHolds() {
    String t = topic();
    String epoch = Await.result(store().head(t, KEEP_5)).epoch();
    assertEquals(epoch, Await.result(peer().head(t, KEEP_5)).epoch());
    assertEquals(epoch, append(store(), t, "a").epoch());
  }

  static Future<PublishOutcome> keyed(HistoryStore s, String topic, String event, String key) {
    return s.append(topic, KEEP_100, event, Buffer.buffer("{}"), false, key);
  }

  static final ChannelRule.History KEEP_100 = new ChannelRule.History(100, 300);

  @Test
  void aRepeatedKeyAppendsNothingAndAnswersTheFirstPositionOnAnyMember() {
    String t = topic();
    PublishOutcome first = Await.result(keyed(store(), t, "a", "api\u0000k1"));
    PublishOutcome again = Await.result(keyed(peer(), t, "a-again", "api\u0000k1"));
    PublishOutcome other = Await.result(keyed(peer(), t, "b", "api\u0000k2"));
    PublishOutcome plain = Await.result(keyed(store(), t, "c", null));
    assertEquals(new PublishOutcome(new StreamPosition(first.position().epoch(), 1), false), first);
    assertEquals(new PublishOutcome(first.position(), true), again);
    assertEquals(2, other.position().offset());
    assertEquals(3, plain.position().offset());
    assertFalse(Await.result(keyed(store(), topic(), "a", "api\u0000k1")).duplicate(), "per topic");
    List<String> events = new ArrayList<>();
    Await.result(peer().read(t, KEEP_100, 0, 10)).entries().forEach(e -> events.add(e.event()));
    assertEquals(List.of("a", "b", "c"), events, "the repeat was not kept");
  }

  @Test
  void repeatsRacingFromBothMembersAppendOnceAndShareTheFirstPosition() {
    String t = topic();
    List<Future<PublishOutcome>> outcomes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      for (HistoryStore s : List.of(store(), peer(), store(), peer())) {
        outcomes.add(keyed(s, t, "e" + i, "user\u00001:u\u0000" + i));
      }
    }
    java.util.Set<Long> offsets = new java.util.HashSet<>();
    for (int i = 0; i < 40; i++) {
      int appended = 0;
      StreamPosition at = Await.result(outcomes.get(i * 4)).position();
      for (int j = 0; j < 4; j++) {
        PublishOutcome o = Await.result(outcomes.get(i * 4 + j));
        appended += o.duplicate() ? 0 : 1;
        assertEquals(at, o.position(), "key " + i);
      }
      assertEquals(1, appended, "key " + i);
      offsets.add(at.offset());
    }
    assertEquals(40, offsets.size());
    assertEquals(40, Await.result(peer().head(t, KEEP_100)).offset(), "no gaps, no extra");
  }

  @Test
  void repeatsInOneCallersBatchLeaveTheOthersGaplessInCallOrder() {
    String t = topic();
    HistoryStore s = store();
    List<Future<PublishOutcome>> outcomes = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      // i % 3 == 2: a repeat of the key two calls before; the others are new or unkeyed.
      String key = i % 3 == 0 ? null : "api\u0000" + (i % 3 == 2 ? i - 1 : i);
      outcomes.add(keyed(s, t, "e" + i, key));
    }
    long next = 1;
    for (int i = 0; i < 90; i++) {
      PublishOutcome o = Await.result(outcomes.get(i));
      if (i % 3 == 2) {
        assertTrue(o.duplicate(), "call " + i);
        assertEquals(Await.result(outcomes.get(i - 1)).position(), o.position(), "call " + i);
      } else {
        assertFalse(o.duplicate(), "call " + i);
        assertEquals(next++, o.position().offset(), "call " + i);
      }
    }
  }
}
