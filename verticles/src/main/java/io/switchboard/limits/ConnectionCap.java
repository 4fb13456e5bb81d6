package io.switchboard.limits;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections the socket port holds open, node-wide, against {@code http.maxConnections}. Every
 * TCP connection counts (Phoenix and bridge sockets, API calls, requests still being read): each
 * takes a file descriptor, and at the descriptor limit the node can answer nobody, {@code /health}
 * included. A connection over the cap is still accepted, so that it gets an answer (503, or {@code
 * /health}) from the descriptors kept in reserve above the cap. Thread-safe: one per node, shared
 * by the socket verticle instances' event loops.
 */
public final class ConnectionCap {
  /**
   * The share of the descriptor limit the cap takes when {@code http.maxConnections} is 0; the rest
   * is the reserve: connections over the cap until they are answered, jars, Hazelcast, epoll.
   */
  static final double DESCRIPTOR_SHARE = 0.75;

  /** When the descriptor limit cannot be read (a JVM without the Unix MXBean). */
  static final int WITHOUT_DESCRIPTOR_LIMIT = 15_000;

  private final int max;
  private final AtomicInteger open = new AtomicInteger();

  public ConnectionCap(int max) {
    this.max = max;
  }

  /**
   * The cap {@code http.maxConnections} asks for: itself, or when 0, 75% of the process's
   * descriptor limit ({@code ulimit -n}; 15,000 at 20,000).
   */
  public static int resolve(int configured) {
    if (configured > 0) {
      return configured;
    }
    long descriptors = descriptorLimit();
    return descriptors > 0
        ? (int) Math.max(1, Math.min(Integer.MAX_VALUE, (long) (descriptors * DESCRIPTOR_SHARE)))
        : WITHOUT_DESCRIPTOR_LIMIT;
  }

  /** The process's limit on open file descriptors, or -1 when the JVM cannot tell. */
  public static long descriptorLimit() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.UnixOperatingSystemMXBean unix
        ? unix.getMaxFileDescriptorCount()
        : -1;
  }

  /** Counts a new connection; true if it is within the cap (it included). */
  public boolean opened() {
    return open.incrementAndGet() <= max;
  }

  /** Once per connection counted by {@link #opened}, when it has closed. */
  public void closed() {
    open.decrementAndGet();
  }

  public int open() {
    return open.get();
  }

  public int max() {
    return max;
  }
}
