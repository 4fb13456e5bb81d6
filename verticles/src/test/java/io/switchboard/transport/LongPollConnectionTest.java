package io.switchboard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.coalescing.FlushScheduler;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.support.Await;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The long-poll writer's queue, poll and close rules, on one event loop as in the server (no
 * network: the HTTP side is LongPollTest's).
 */
class LongPollConnectionTest {
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SwitchboardMeters meters = new SwitchboardMeters(registry);
  private int closes;
  private int finishes;

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  private LongPollConnection connection(int maxQueued) {
    LongPollConnection c =
        new LongPollConnection(vertx, new FlushScheduler(context), meters, maxQueued);
    c.onClose(() -> closes++, () -> finishes++);
    return c;
  }

  /** Runs {@code steps} on the event loop, as one task, and waits for it. */
  private void onLoop(Consumer<Promise<Void>> steps) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> steps.accept(done));
    Await.result(done.future());
  }

  private static Buffer text(int i) {
    return Buffer.buffer("[null,null,\"room:a\",\"shout\",{\"i\":" + i + "}]");
  }

  @Test
  void aPollTakesEverythingQueuedInOrder() {
    List<LongPollConnection.Polled> answers = new ArrayList<>();
    onLoop(
        done -> {
          LongPollConnection c = connection(10);
          for (int i = 0; i < 3; i++) {
            c.write(text(i), false);
          }
          c.poll(10_000, answers::add);
          done.complete();
        });
    assertEquals(1, answers.size());
    assertEquals(3, answers.get(0).frames().size());
    assertEquals(text(2), answers.get(0).frames().get(2).bytes());
  }

  @Test
  void aSecondPollAnswersTheHeldOneEmpty() {
    List<String> answers = new ArrayList<>();
    onLoop(
        done -> {
          LongPollConnection c = connection(10);
          c.poll(10_000, p -> answers.add("first " + p.frames().size()));
          c.poll(10_000, p -> answers.add("second " + p.frames().size()));
          c.write(text(1), false);
          c.flush();
          done.complete();
        });
    assertEquals(List.of("first 0", "second 1"), answers);
  }

  /**
   * Past the bound the client is cut off after the fan-out; a poll that comes first gets what was
   * queued, and the session is still closed exactly once.
   */
  @Test
  void overTheBoundTheSessionEndsOnceEvenIfAPollTakesTheBacklogFirst() {
    List<LongPollConnection.Polled> answers = new ArrayList<>();
    LongPollConnection[] held = new LongPollConnection[1];
    onLoop(
        done -> {
          LongPollConnection c = held[0] = connection(5);
          for (int i = 0; i < 5; i++) {
            assertTrue(c.write(text(i), false));
          }
          assertFalse(c.write(text(5), false), "the sixth is refused");
          assertTrue(c.closing());
          c.poll(10_000, answers::add); // before the deferred abort runs
          done.complete();
        });
    onLoop(done -> done.complete()); // the deferred abort has run
    assertEquals(5, answers.get(0).frames().size());
    assertEquals(1, closes, "channels left once");
    assertEquals(1, finishes);
    onLoop(
        done -> {
          held[0].poll(10_000, answers::add);
          done.complete();
        });
    assertTrue(answers.get(1).gone());
    assertEquals(
        1.0,
        registry.get("websocket.server.closes").counters().stream()
            .mapToDouble(io.micrometer.core.instrument.Counter::count)
            .sum(),
        "one close counted");
    assertEquals(
        1.0, registry.get("websocket.server.closes").tag("code", "4008").counter().count());
  }

  @Test
  void aCloseKeepsTheBacklogForTheNextPollThenTheSessionIsGone() {
    List<LongPollConnection.Polled> answers = new ArrayList<>();
    onLoop(
        done -> {
          LongPollConnection c = connection(10);
          c.write(text(1), false);
          c.close((short) 1012, "node restarting");
          assertEquals(1, closes);
          assertEquals(0, finishes, "its last frame still waits");
          c.poll(10_000, answers::add);
          c.poll(10_000, answers::add);
          done.complete();
        });
    assertEquals(1, answers.get(0).frames().size());
    assertTrue(answers.get(1).gone());
    assertEquals(1, finishes);
  }

  @Test
  void binaryFramesAreNotQueued() {
    List<LongPollConnection.Polled> answers = new ArrayList<>();
    onLoop(
        done -> {
          LongPollConnection c = connection(10);
          assertTrue(c.write(Buffer.buffer(new byte[] {2, 1, 1, 'a', 'b'}), true));
          c.write(text(1), false);
          c.poll(10_000, answers::add);
          done.complete();
        });
    assertEquals(1, answers.get(0).frames().size());
    assertFalse(answers.get(0).frames().get(0).binary());
  }
}
