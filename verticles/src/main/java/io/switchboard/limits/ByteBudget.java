package io.switchboard.limits;

/**
 * Bytes a socket may hold in channel buffers, shared by all its channels. Single-threaded (one
 * event loop).
 */
public final class ByteBudget {
  private final long max;
  private long used;

  public ByteBudget(long max) {
    this.max = max;
  }

  /** Takes {@code bytes} if they fit. */
  public boolean tryTake(long bytes) {
    if (used + bytes > max) {
      return false;
    }
    used += bytes;
    return true;
  }

  public void release(long bytes) {
    used -= bytes;
  }

  public long used() {
    return used;
  }

  public long max() {
    return max;
  }
}
