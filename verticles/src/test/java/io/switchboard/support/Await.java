package io.switchboard.support;

import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Blocking waits for the test thread, always with a deadline. Never called on an event loop. */
public final class Await {
  private Await() {}

  public static <T> T result(Future<T> future) {
    return result(future, TestNode.DEADLINE);
  }

  public static <T> T result(Future<T> future, java.time.Duration deadline) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new RuntimeException(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("no result within " + deadline, e);
    }
  }

  public static Throwable failure(Future<?> future) {
    try {
      future
          .toCompletionStage()
          .toCompletableFuture()
          .get(TestNode.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("no result within " + TestNode.DEADLINE, e);
    }
    throw new AssertionError("expected a failure, got success");
  }

  /** Polls a condition that no event signals (e.g. a metric), until the deadline. */
  public static void until(String what, BooleanSupplier condition) {
    until(what, TestNode.DEADLINE, condition);
  }

  /** {@link #until(String, BooleanSupplier)} with a deadline of its own. */
  public static void until(String what, java.time.Duration within, BooleanSupplier condition) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within + ": " + what);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
    }
  }
}
