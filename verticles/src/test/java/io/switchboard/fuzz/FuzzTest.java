package io.switchboard.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The fuzz suite (docs/RELIABILITY.md, "Fuzzing"): the kept corpus, then {@code fuzz.inputs}
 * (10,000) generated malformed inputs from the seed {@code fuzz.seed} (random unless given, printed
 * always), over several sockets at once: Phoenix JSON frames, raw WebSocket frames, V2 binary
 * frames, SockJS bridge messages and HTTP API requests. Passes when every input got an error reply,
 * a documented close or status (never a hang), nothing was logged at SEVERE, two bystanders kept
 * exchanging messages every {@code ROUND_EVERY} inputs, and the node's heap, threads and
 * descriptors came back to their baseline.
 *
 * <p>Rerun: {@code mvn -B -o -pl verticles test -Dtest=FuzzTest -Dfuzz.seed=<seed>
 * -Dfuzz.inputs=100000}.
 */
class FuzzTest {
  static final long SEED = Long.getLong("fuzz.seed", new SplittableRandom().nextLong());
  static final int INPUTS = Integer.getInteger("fuzz.inputs", 10_000);
  static final int PHOENIX_LANES = 3;
  static final int ROUND_EVERY = 200;

  final List<String> severe = new CopyOnWriteArrayList<>();
  final Handler severeLogs =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          if (r.getLevel().intValue() >= Level.SEVERE.intValue()
              || (r.getLevel().intValue() >= Level.WARNING.intValue() && r.getThrown() != null)) {
            severe.add(
                r.getLevel()
                    + " "
                    + r.getLoggerName()
                    + ": "
                    + r.getMessage()
                    + " "
                    + r.getThrown());
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @Test
  void malformedInputsAreAnsweredAndHarmNobody() throws Exception {
    System.out.println("FuzzTest seed " + SEED + " (rerun with -Dfuzz.seed=" + SEED + ")");
    Logger.getLogger("").addHandler(severeLogs);
    long started = System.nanoTime();
    try (TestNode node =
            TestNode.start(
                c -> {
                  c.rateLimit().messagesPerSecond(1_000_000).burst(1_000_000);
                  c.http().upgradesPerSecond(1_000_000).upgradeBurst(1_000_000);
                  c.api().key(ApiRequests.KEY);
                });
        Bystanders bystanders = new Bystanders(node)) {
      FuzzRun run = new FuzzRun(SEED, node.port(), bystanders, ROUND_EVERY);
      SplittableRandom master = new SplittableRandom(SEED);
      List<PhoenixLane> lanes = new ArrayList<>();
      for (int i = 0; i < PHOENIX_LANES; i++) {
        lanes.add(new PhoenixLane(run, "p" + i, "fuzzer-" + i, node.token("fuzzer-" + i)));
      }
      int perLane = INPUTS / PHOENIX_LANES;
      List<Runnable> work = new ArrayList<>();
      for (PhoenixLane lane : lanes) {
        SplittableRandom rnd = master.split();
        work.add(
            () -> {
              JsonFrames json = new JsonFrames(rnd);
              for (int i = 0; i < perLane; i++) {
                try {
                  lane.send(json.next(lane.state(), lane.name));
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              }
            });
      }
      parallel(work);
      lanes.forEach(PhoenixLane::close);
      long ms = (System.nanoTime() - started) / 1_000_000;
      System.out.println(
          "FuzzTest: "
              + run.inputs()
              + " inputs in "
              + ms
              + " ms, "
              + bystanders.rounds()
              + " bystander rounds, "
              + run.failureCount()
              + " failures; outcomes "
              + new java.util.TreeMap<>(run.outcomes));
      run.failures().forEach(System.out::println);
      assertEquals(List.of(), run.failures(), "seed " + SEED);
      assertEquals(List.of(), severe, "seed " + SEED + ": nothing logged at SEVERE");
      assertTrue(bystanders.rounds() >= run.inputs() / ROUND_EVERY, "bystander rounds");
    } finally {
      Logger.getLogger("").removeHandler(severeLogs);
    }
  }

  /** Runs each lane on a thread of its own; a lane that throws fails the test. */
  static void parallel(List<Runnable> lanes) throws Exception {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(lanes.size());
    try {
      List<java.util.concurrent.Future<?>> running = new ArrayList<>();
      lanes.forEach(l -> running.add(pool.submit(l)));
      for (java.util.concurrent.Future<?> f : running) {
        f.get(10, java.util.concurrent.TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
