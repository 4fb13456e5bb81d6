package io.switchboard.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The shared state of one fuzz run: its seed, the counts for the figures, the failures (each with
 * the seed, so it can be replayed) and the bystanders that must keep talking. Every failing input
 * is also written to {@code target/fuzz-failures/} in the corpus format, ready to be moved to the
 * corpus once the bug it found is fixed.
 */
final class FuzzRun {
  static final int MAX_FAILURES_KEPT = 50;

  final long seed;
  final int port;
  final Bystanders bystanders;
  final int roundEvery;
  private final AtomicInteger inputs;
  private final AtomicInteger failureCount;
  private final List<String> failures;
  final Map<String, LongAdder> outcomes;

  FuzzRun(long seed, int port, Bystanders bystanders, int roundEvery) {
    this.seed = seed;
    this.port = port;
    this.bystanders = bystanders;
    this.roundEvery = roundEvery;
    this.inputs = new AtomicInteger();
    this.failureCount = new AtomicInteger();
    this.failures = new ArrayList<>();
    this.outcomes = new ConcurrentHashMap<>();
  }

  /** The same run (counts, failures, bystanders) against another node's port. */
  FuzzRun on(int otherPort) {
    return new FuzzRun(this, otherPort);
  }

  private FuzzRun(FuzzRun shared, int port) {
    this.seed = shared.seed;
    this.port = port;
    this.bystanders = shared.bystanders;
    this.roundEvery = shared.roundEvery;
    this.inputs = shared.inputs;
    this.failureCount = shared.failureCount;
    this.failures = shared.failures;
    this.outcomes = shared.outcomes;
  }

  /** Counts one handled input; every {@link #roundEvery} inputs the bystanders do a round. */
  void handled(FuzzInput input, String outcome) {
    outcomes.computeIfAbsent(input.family() + " " + outcome, k -> new LongAdder()).increment();
    if (inputs.incrementAndGet() % roundEvery == 0) {
      try {
        bystanders.round();
      } catch (AssertionError | RuntimeException e) {
        fail(input, "bystanders stopped talking after it: " + e);
      }
    }
  }

  int inputs() {
    return inputs.get();
  }

  void fail(FuzzInput input, String why) {
    int n = failureCount.incrementAndGet();
    String line = "seed " + seed + ": " + input.printable() + " -> " + why;
    synchronized (failures) {
      if (failures.size() < MAX_FAILURES_KEPT) {
        failures.add(line);
      }
    }
    if (n <= MAX_FAILURES_KEPT) {
      System.out.println("FUZZ FAILURE " + line);
      save(input, why, n);
    }
  }

  List<String> failures() {
    synchronized (failures) {
      return List.copyOf(failures);
    }
  }

  int failureCount() {
    return failureCount.get();
  }

  private void save(FuzzInput input, String why, int n) {
    try {
      Path dir = Path.of("target", "fuzz-failures");
      Files.createDirectories(dir);
      Files.write(
          dir.resolve(seed + "-" + n + "-" + input.family() + ".fuzz"),
          Corpus.format(input, "seed " + seed + ": " + why.replace('\n', ' ')));
    } catch (IOException e) {
      // The failure is in the test's report already; the file is a convenience.
    }
  }
}
