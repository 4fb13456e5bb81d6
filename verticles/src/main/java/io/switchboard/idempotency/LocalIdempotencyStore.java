package io.switchboard.idempotency;

import io.vertx.core.Future;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A single node's idempotency keys, in memory: key → when its window ends, oldest first. Bounded:
 * past {@link #MAX_KEYS} the oldest are forgotten early (a repeat of one then publishes again). One
 * lock, held for a map operation or two: claims come from every event loop.
 */
public final class LocalIdempotencyStore implements IdempotencyStore {
  /** About 30 MB at the longest keys; a node publishing more keyed messages per window is rare. */
  public static final int MAX_KEYS = 100_000;

  private static final Future<Boolean> FIRST = Future.succeededFuture(true);
  private static final Future<Boolean> REPEAT = Future.succeededFuture(false);

  private final long windowMillis;
  private final LongSupplier clock;
  private final LinkedHashMap<String, Long> until = new LinkedHashMap<>();

  public LocalIdempotencyStore(long windowSeconds) {
    this(windowSeconds, System::currentTimeMillis);
  }

  LocalIdempotencyStore(long windowSeconds, LongSupplier clock) {
    this.windowMillis = windowSeconds * 1000;
    this.clock = clock;
  }

  @Override
  public Future<Boolean> claim(String key) {
    long now = clock.getAsLong();
    synchronized (until) {
      forgetExpired(now);
      Long ends = until.get(key);
      if (ends != null && ends > now) {
        return REPEAT;
      }
      until.remove(key); // re-inserted last: the map stays in window order
      until.put(key, now + windowMillis);
      if (until.size() > MAX_KEYS) {
        until.remove(until.keySet().iterator().next());
      }
      return FIRST;
    }
  }

  /** Keys held now (expired ones are dropped first). */
  public int size() {
    synchronized (until) {
      forgetExpired(clock.getAsLong());
      return until.size();
    }
  }

  private void forgetExpired(long now) {
    Iterator<Map.Entry<String, Long>> it = until.entrySet().iterator();
    while (it.hasNext() && it.next().getValue() <= now) {
      it.remove();
    }
  }
}
