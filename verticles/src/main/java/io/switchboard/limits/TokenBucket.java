package io.switchboard.limits;

/**
 * Inbound rate limit of one socket: {@code perSecond} tokens refill, up to {@code burst}.
 * Single-threaded.
 */
public final class TokenBucket {
  private final double perNano;
  private final double burst;
  private double tokens;
  private long lastNanos;

  public TokenBucket(int perSecond, int burst, long nowNanos) {
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.lastNanos = nowNanos;
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
