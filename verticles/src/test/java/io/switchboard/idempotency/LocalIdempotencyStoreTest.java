package io.switchboard.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The contract in memory (one node: the peer is the same store), plus its bounds. */
class LocalIdempotencyStoreTest extends IdempotencyStoreContract {
  private final Map<Long, LocalIdempotencyStore> stores = new HashMap<>();

  @Override
  protected IdempotencyStore store(long windowSeconds) {
    return stores.computeIfAbsent(windowSeconds, LocalIdempotencyStore::new);
  }

  @Override
  protected IdempotencyStore peer(long windowSeconds) {
    return store(windowSeconds);
  }

  @Test
  void expiredKeysAreDroppedAndTheCountIsBounded() {
    AtomicLong now = new AtomicLong(1_000_000);
    LocalIdempotencyStore s = new LocalIdempotencyStore(10, now::get);
    for (int i = 0; i < 5; i++) {
      Await.result(s.claim("old" + i));
    }
    now.addAndGet(10_000);
    assertEquals(0, s.size(), "all five windows ended");
    for (int i = 0; i < LocalIdempotencyStore.MAX_KEYS + 10; i++) {
      s.claim("k" + i);
    }
    assertEquals(LocalIdempotencyStore.MAX_KEYS, s.size());
    assertTrue(Await.result(s.claim("k0")), "the oldest were forgotten first");
  }
}
