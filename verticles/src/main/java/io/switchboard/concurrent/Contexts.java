package io.switchboard.concurrent;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

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
}
