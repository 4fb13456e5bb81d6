package io.switchboard.broker;

import io.switchboard.history.PublishOutcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Keeps one publisher's order on a topic without history while a keyed publish waits for its
 * idempotency claim (a round trip to the key's owner in a cluster): what the publisher sends on
 * that topic meanwhile, keyed or not, goes out after it, in call order. Claims of different keys
 * run on different partitions and would otherwise come back in any order. A topic with nothing
 * waiting costs one map read per publish.
 */
final class ClaimOrder {
  /** The last publish of each topic that waits or is waited on; gone once it is done. */
  private final ConcurrentHashMap<String, Future<Void>> tails = new ConcurrentHashMap<>();

  /** Whether a publish of the topic is waiting: an unkeyed one must then queue behind it. */
  boolean busy(String topic) {
    return tails.containsKey(topic);
  }

  /** Runs {@code publish} once every earlier queued publish of the topic is done. */
  Future<PublishOutcome> queue(String topic, Supplier<Future<PublishOutcome>> publish) {
    Promise<Void> done = Promise.promise();
    Future<Void> mine = done.future();
    Future<Void> before = tails.put(topic, mine);
    Future<PublishOutcome> result =
        before == null ? publish.get() : before.transform(ar -> publish.get());
    result.onComplete(
        ar -> {
          tails.remove(topic, mine); // still the last: nobody waits behind it
          done.complete();
        });
    return result;
  }
}
