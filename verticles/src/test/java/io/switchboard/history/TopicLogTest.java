package io.switchboard.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import io.switchboard.config.ChannelRule;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** A stream's idempotency keys: the window, the bound, and a migration's copy (serialization). */
class TopicLogTest {
  static final ChannelRule.History KEEP = new ChannelRule.History(100, 3600);
  static final long WINDOW = 120_000;

  static long append(TopicLog log, String key, long now) {
    return log.appendOnce(KEEP, key, WINDOW, "e", Buffer.buffer("{}"), false, now);
  }

  @Test
  void aKeyIsARepeatWithinTheWindowOnlyAndTheCallersClockDecides() {
    TopicLog log = new TopicLog("ep");
    assertEquals(1, append(log, "k", 1_000_000));
    assertEquals(-1, append(log, "k", 1_000_000 + WINDOW), "the window's last millisecond");
    assertEquals(2, append(log, "k", 1_000_001 + WINDOW), "the window passed: a new publish");
    assertEquals(-2, append(log, "k", 1_000_002 + WINDOW));
  }

  @Test
  void aStreamRemembersAtMostMaxKeysTheOldestGoFirst() {
    TopicLog log = new TopicLog("ep");
    for (int i = 0; i < TopicLog.MAX_KEYS + 1; i++) {
      append(log, "k" + i, 1_000_000);
    }
    long head = TopicLog.MAX_KEYS + 1;
    assertEquals(-head, append(log, "k" + TopicLog.MAX_KEYS, 1_000_000));
    assertEquals(-2, append(log, "k1", 1_000_000));
    assertEquals(head + 1, append(log, "k0", 1_000_000), "forgotten: published again");
  }

  @Test
  void keysSurviveACopyToAnotherMember() {
    TopicLog log = new TopicLog("ep");
    append(log, "k", 1_000_000);
    InternalSerializationService serialization = new DefaultSerializationServiceBuilder().build();
    TopicLog copy = serialization.toObject(serialization.toData(log));
    assertEquals(-1, append(copy, "k", 1_000_001));
    assertEquals(2, append(copy, "other", 1_000_001));
  }
}
