package io.switchboard.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.switchboard.support.Await;
import org.junit.jupiter.api.Test;

class LocalHistoryStoreTest extends HistoryStoreContract {
  private final LocalHistoryStore store = new LocalHistoryStore();

  @Override
  protected HistoryStore store() {
    return store;
  }

  @Override
  protected HistoryStore peer() {
    return store;
  }

  @Test
  void aStreamNobodyAppendedToForADayIsForgottenAndMadeAgainWithANewEpoch() {
    String t = topic();
    String epoch = append(store, t, "a").epoch();
    assertEquals(1, store.sweep(System.currentTimeMillis()));
    assertEquals(
        0, store.sweep(System.currentTimeMillis() + HistoryStore.STREAM_TTL_SECONDS * 1000 + 1));
    StreamPosition again = Await.result(store.head(t, KEEP_5));
    assertEquals(0, again.offset());
    assertNotEquals(epoch, again.epoch());
  }
}
