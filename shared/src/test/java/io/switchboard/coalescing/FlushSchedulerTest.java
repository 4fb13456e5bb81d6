package io.switchboard.coalescing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * When sockets marked dirty get flushed: after the turn, or a write delay after their first
 * unflushed frame.
 */
class FlushSchedulerTest {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void withoutDelayEverySocketMarkedInATurnIsFlushedOnceRightAfterIt() throws Exception {
    Context context = vertx.getOrCreateContext();
    List<String> flushed = new CopyOnWriteArrayList<>();
    CompletableFuture<List<String>> inTurn = new CompletableFuture<>();
    CompletableFuture<List<String>> afterTurn = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          FlushScheduler flusher = new FlushScheduler(context);
          flusher.markDirty(() -> flushed.add("a"));
          flusher.markDirty(() -> flushed.add("b"));
          inTurn.complete(List.copyOf(flushed));
          context.runOnContext(w -> afterTurn.complete(List.copyOf(flushed)));
        });
    assertEquals(
        List.of(), inTurn.get(10, TimeUnit.SECONDS), "nothing flushes inside the turn that wrote");
    assertEquals(List.of("a", "b"), afterTurn.get(10, TimeUnit.SECONDS));
  }

  @Test
  void withADelaySocketsWaitPastTheTurnAndAreFlushedInTheOrderTheyWereMarked() throws Exception {
    Context context = vertx.getOrCreateContext();
    List<String> flushed = new CopyOnWriteArrayList<>();
    CompletableFuture<List<String>> afterTurn = new CompletableFuture<>();
    CompletableFuture<Void> allFlushed = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          FlushScheduler flusher = new FlushScheduler(context, 20);
          flusher.markDirty(() -> flushed.add("a"));
          flusher.markDirty(() -> flushed.add("b"));
          context.runOnContext(w -> afterTurn.complete(List.copyOf(flushed)));
          // Marked later (another turn): its own deadline, after the first two.
          context.runOnContext(
              w ->
                  flusher.markDirty(
                      () -> {
                        flushed.add("c");
                        allFlushed.complete(null);
                      }));
        });
    assertEquals(
        List.of(), afterTurn.get(10, TimeUnit.SECONDS), "the delay holds the flush past the turn");
    allFlushed.get(10, TimeUnit.SECONDS);
    assertEquals(List.of("a", "b", "c"), flushed);
  }

  @Test
  void aNegativeDelayIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> new FlushScheduler(vertx.getOrCreateContext(), -1));
  }
}
