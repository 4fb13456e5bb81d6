package io.switchboard.limits;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's WebSocket upgrade rate ({@code http.upgradesPerSecond}, {@code http.upgradeBurst}): a
 * token bucket kept as the time its schedule is booked up to (GCRA), so that one compare-and-set
 * takes a token. Lock-free: every socket verticle instance's event loop takes from the one bucket.
 */
public final class UpgradeRate {
  private final long intervalNanos;
  private final long burstNanos;

  /** When the next token is free; up to {@code burstNanos} ahead of now while tokens remain. */
  private final AtomicLong bookedUntil;

  public UpgradeRate(int perSecond, int burst, long nowNanos) {
    this.intervalNanos = Math.max(1, 1_000_000_000L / perSecond);
    this.burstNanos = intervalNanos * burst;
    this.bookedUntil = new AtomicLong(nowNanos);
  }

  /**
   * Takes a token: 0 if the upgrade may go ahead, else how many nanoseconds until a token is free
   * (nothing is taken then).
   */
  public long tryAcquire(long nowNanos) {
    while (true) {
      long booked = bookedUntil.get();
      // nanoTime values are compared by difference: they may be negative, and wrap.
      long from = booked - nowNanos > 0 ? booked : nowNanos;
      long next = from + intervalNanos;
      long ahead = next - nowNanos;
      if (ahead > burstNanos) {
        return ahead - burstNanos;
      }
      if (bookedUntil.compareAndSet(booked, next)) {
        return 0;
      }
    }
  }
}
