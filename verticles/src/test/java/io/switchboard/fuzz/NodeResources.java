package io.switchboard.fuzz;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The node runs in the test's JVM, so its resources are this process's: live heap after a full GC,
 * live threads, open descriptors ({@code /proc/self/fd}). Taken before and after the run, each must
 * come back within a bound of its baseline.
 */
record NodeResources(long heapBytes, int threads, long descriptors) {
  static NodeResources now() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return new NodeResources(
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
        ManagementFactory.getThreadMXBean().getThreadCount(),
        openDescriptors());
  }

  static long openDescriptors() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    } catch (IOException e) {
      return -1; // not Linux: the check is skipped
    }
  }

  @Override
  public String toString() {
    return String.format(
        "heap %.1f MB, %d threads, %d descriptors", heapBytes / 1048576.0, threads, descriptors);
  }
}
