package io.switchboard.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The node's upgrade bucket on a clock of the test's own: no waiting, no timing. */
class UpgradeRateTest {
  static final long SECOND = 1_000_000_000L;

  @Test
  void aBurstGoesThroughThenOnePerIntervalAndTheRefusalSaysHowLongToWait() {
    long t0 = 42 * SECOND;
    UpgradeRate rate = new UpgradeRate(10, 3, t0); // one per 100 ms, 3 at once
    for (int i = 0; i < 3; i++) {
      assertEquals(0, rate.tryAcquire(t0), "burst token " + i);
    }
    assertEquals(SECOND / 10, rate.tryAcquire(t0));
    assertEquals(SECOND / 20, rate.tryAcquire(t0 + SECOND / 20));
    assertEquals(0, rate.tryAcquire(t0 + SECOND / 10));
    assertTrue(rate.tryAcquire(t0 + SECOND / 10) > 0, "that was the only one");
    // After a quiet spell the bucket is full again, never fuller.
    long later = t0 + 60 * SECOND;
    for (int i = 0; i < 3; i++) {
      assertEquals(0, rate.tryAcquire(later));
    }
    assertTrue(rate.tryAcquire(later) > 0);
  }

  @Test
  void worksAcrossNegativeAndWrappingNanoTimes() {
    long t0 = Long.MAX_VALUE - SECOND / 20;
    UpgradeRate rate = new UpgradeRate(10, 1, t0);
    assertEquals(0, rate.tryAcquire(t0));
    assertTrue(rate.tryAcquire(t0 + SECOND / 20) > 0); // past Long.MAX_VALUE: wrapped
    assertEquals(0, rate.tryAcquire(t0 + SECOND / 10));
    UpgradeRate negative = new UpgradeRate(1, 2, -5 * SECOND);
    assertEquals(0, negative.tryAcquire(-5 * SECOND));
    assertEquals(0, negative.tryAcquire(-5 * SECOND));
    assertEquals(SECOND, negative.tryAcquire(-5 * SECOND));
  }

  @Test
  void threadsTakingAtOnceNeverGetMoreThanTheBurst() throws Exception {
    long t0 = 7 * SECOND;
    UpgradeRate rate = new UpgradeRate(1, 500, t0);
    AtomicInteger granted = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < 1_000; i++) {
                  if (rate.tryAcquire(t0) == 0) {
                    granted.incrementAndGet();
                  }
                }
              });
      thread.start();
      threads.add(thread);
    }
    go.countDown();
    for (Thread thread : threads) {
      thread.join(10_000);
    }
    assertEquals(500, granted.get());
  }
}
