package io.switchboard.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import io.switchboard.config.ChannelRule;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/**
 * One shard of the cluster's history: its topics' streams, forgetting those a day without an
 * append, and the batch results that guard against a re-run, also in a migration's copy.
 */
class HistoryShardTest {
  static final ChannelRule.History KEEP = new ChannelRule.History(100, 3600);
  static final long DAY = HistoryStore.STREAM_TTL_SECONDS * 1000;

  static long append(HistoryShard shard, String topic, long now) {
    long offset =
        shard.stream(topic, "ep-" + topic, now)
            .appendOnce(KEEP, null, 0, "e", Buffer.buffer("{}"), false, now);
    shard.appended(topic, now);
    return offset;
  }

  @Test
  void topicsOfOneShardKeepTheirOwnOffsetsAndEpochs() {
    HistoryShard shard = new HistoryShard();
    assertEquals(1, append(shard, "a", 1_000));
    assertEquals(1, append(shard, "b", 1_000));
    assertEquals(2, append(shard, "a", 1_001));
    assertEquals("ep-a", shard.stream("a", "other", 1_002).epoch());
    assertEquals("ep-b", shard.stream("b", "other", 1_002).epoch());
  }

  @Test
  void aStreamWithNoAppendForADayIsForgottenTheOthersStay() {
    HistoryShard shard = new HistoryShard();
    append(shard, "quiet", 1_000);
    append(shard, "busy", 1_000);
    append(shard, "busy", 2_000 + DAY);
    shard.sweep(2_000 + DAY);
    assertFalse(shard.has("quiet"));
    assertTrue(shard.has("busy"));
    assertEquals(3, append(shard, "busy", 3_000 + DAY));
    assertEquals(
        "ep-quiet-again",
        shard.stream("quiet", "ep-quiet-again", 0).epoch(),
        "made again, with a new epoch");
  }

  @Test
  void streamsAndBatchResultsSurviveACopyToAnotherMember() {
    HistoryShard shard = new HistoryShard();
    append(shard, "a", 1_000);
    append(shard, "a", 1_000);
    shard.batchApplied(
        "b1",
        new HazelcastHistoryStore.Appended(new String[] {"ep-a", "ep-a"}, new long[] {2, -1}));
    InternalSerializationService serialization = new DefaultSerializationServiceBuilder().build();
    HistoryShard copy = serialization.toObject(serialization.toData(shard));
    assertEquals(3, append(copy, "a", 1_001));
    assertEquals("ep-a", copy.stream("a", "other", 1_001).epoch());
    PublishOutcome repeat = copy.appliedBatch("b1").outcome(1);
    assertEquals(new StreamPosition("ep-a", 1), repeat.position());
    assertTrue(repeat.duplicate());
  }

  @Test
  void onlyTheLastBatchResultsAreKept() {
    HistoryShard shard = new HistoryShard();
    for (int i = 0; i <= HistoryShard.RECENT_BATCHES; i++) {
      shard.batchApplied(
          "b" + i, new HazelcastHistoryStore.Appended(new String[] {"e"}, new long[] {i + 1}));
    }
    assertEquals(null, shard.appliedBatch("b0"));
    assertEquals(2, shard.appliedBatch("b1").outcome(0).position().offset());
  }
}
