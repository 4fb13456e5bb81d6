package io.switchboard.limits;

/**
 * An inbound rate limit (a socket's, or a socket's for one rule): {@code perSecond} tokens refill,
 * up to {@code burst}. Single-threaded.
 */
public final class TokenBucket {
  private final int perSecond;
  private final double perNano;
  private final double burst;
  private double tokens;
  private long lastNanos;

  public TokenBucket(int perSecond, int burst, long nowNanos) {
    this.perSecond = perSecond;
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.lastNanos = nowNanos;
  }

  /** The refill rate, as clients are told it ({@code throttle {"limit_per_second": n}}). */
  public int perSecond() {
    return perSecond;
  }

  public boolean tryTake(long nowNanos) {
    tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * perNano);
    lastNanos = nowNanos;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
