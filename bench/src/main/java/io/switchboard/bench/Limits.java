package io.switchboard.bench;

/** The machine's rules, checked before any socket is opened: file descriptors and run time. */
final class Limits {
  /** Hard per-process limit here is 20,000; leave room for the JVM's own jars, epoll and pipes. */
  static final int MAX_SOCKETS = 19_500;

  static final int MAX_SECONDS = 600;

  private Limits() {}

  static void check(int sockets, int seconds) {
    if (sockets > MAX_SOCKETS) {
      throw new IllegalArgumentException(
          sockets
              + " sockets: more than "
              + MAX_SOCKETS
              + " would pass the 20,000 file-descriptor limit of one process");
    }
    if (seconds <= 0 || seconds > MAX_SECONDS) {
      throw new IllegalArgumentException("run time must be 1.." + MAX_SECONDS + " s");
    }
  }
}
