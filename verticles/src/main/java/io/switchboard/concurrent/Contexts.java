package io.switchboard.concurrent;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/** Keeps callbacks on the event loop that owns the state they touch. */
public final class Contexts {
  private Contexts() {}

  /**
   * The same outcome, with its callbacks run on {@code context}. A future made on another event
   * loop (say, a clustered consumer registration that another socket verticle instance started)
   * calls back on that loop; state confined to {@code context} must not be touched from there.
   */
  public static <T> Future<T> on(Context context, Future<T> future) {
    Promise<T> promise = Promise.promise();
    future.onComplete(ar -> context.runOnContext(v -> promise.handle(ar)));
    return promise.future();
  }

  /**
   * The same outcome, with its callbacks run on the calling event loop: at once when {@code future}
   * is already complete, else as {@link #on}. Needed even then: Vert.x runs the callbacks of a
   * future made on a context (a consumer's {@code completion()}) on that context, complete or not,
   * so a shared future would call every other loop back on the loop that made it. Called off any
   * Vert.x thread, {@code future} itself.
   */
  public static <T> Future<T> onCaller(Future<T> future) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return future;
    }
    if (future.isComplete()) {
      return future.succeeded()
          ? Future.succeededFuture(future.result())
          : Future.failedFuture(future.cause());
    }
    return on(caller, future);
  }
}
