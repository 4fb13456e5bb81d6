package io.switchboard.presence;

import io.switchboard.broker.EncodedFrame;
import io.switchboard.config.PresenceMode;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.protocol.Events;
import io.switchboard.protocol.Reasons;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A node's presence: follows every change in the {@link PresenceStore}, keeps each topic's view,
 * and sends this node's subscribers {@code presence_state} on their join and one coalesced {@code
 * presence_diff} per topic per {@code presence.diffIntervalMs}. Each node computes its own
 * subscribers' diffs from the same feed, as Phoenix nodes do, so a diff never crosses the cluster.
 *
 * <p>Everything runs on one context (the presence verticle's); event loops call in by hopping onto
 * it, and it answers each loop on the loop's own context. Both hops are FIFO, which is what makes a
 * subscriber's state and diffs line up: the state is what the last diff left, and the next diff is
 * exactly what changed since.
 */
public final class PresenceTracker {
  private final Context context;
  private final PresenceStore store;
  private final SwitchboardConfig.Presence config;
  private final SwitchboardMeters meters;
  private final Map<String, Topic> topics = new HashMap<>();

  /** Every presence fed, by id: a leave's topic, whoever's node it was. */
  private final Map<String, PresenceEntry> byId = new HashMap<>();

  /** The last write of each id still in flight: a presence's writes go out one after another. */
  private final Map<String, Future<Void>> writing = new HashMap<>();

  private final String prefix;
  private final AtomicLong sequence = new AtomicLong();

  private final class Topic {
    final TopicPresence view;
    final Map<LoopPresence, Integer> loops = new HashMap<>(4);
    PresenceMode mode = PresenceMode.LIST;
    int reserved;
    long timer = -1;

    Topic(String name) {
      view = new TopicPresence(name);
    }
  }

  PresenceTracker(
      Context context,
      PresenceStore store,
      SwitchboardConfig.Presence config,
      SwitchboardMeters meters) {
    this.context = context;
    this.store = store;
    this.config = config;
    this.meters = meters;
    // Refs and ids are unique across nodes and restarts without asking the cluster.
    this.prefix = Long.toString(new SecureRandom().nextLong() >>> 1, 36) + ".";
  }

  Future<Void> start() {
    return store.start(context, this::apply);
  }

  Future<Void> stop() {
    return store.removeNode(store.selfNode()).eventually(store::close);
  }

  /** A new presence id or phx_ref; callable from any thread. */
  String newRef() {
    return prefix + Long.toString(sequence.incrementAndGet(), 36);
  }

  String selfNode() {
    return store.selfNode();
  }

  int maxMetaBytes() {
    return config.maxMetaBytes();
  }

  /** Tracks, unless the topic already holds {@code presence.maxPerTopic} presences. */
  Future<Void> track(PresenceEntry entry) {
    return onContext(
        () -> {
          Topic t = topic(entry.topic());
          if (t.view.size() + t.reserved >= config.maxPerTopic()) {
            meters.presenceRefused(Reasons.PRESENCE_FULL);
            dropIfIdle(t);
            return Future.failedFuture(Reasons.PRESENCE_FULL);
          }
          // Counted until the feed brings it back, so a burst of joins here cannot overshoot.
          t.reserved++;
          return write(entry.id(), () -> store.put(entry))
              .andThen(
                  ar -> {
                    t.reserved--;
                    dropIfIdle(t);
                  });
        });
  }

  Future<Void> update(PresenceEntry entry) {
    return onContext(() -> write(entry.id(), () -> store.put(entry)));
  }

  void untrack(String id) {
    context.runOnContext(v -> write(id, () -> store.remove(id)));
  }

  /**
   * Sends {@code member} the topic's state (or count) through its loop, and every diff after it.
   */
  void subscribe(String topic, PresenceMode mode, LoopPresence loop, LoopPresence.Member member) {
    context.runOnContext(
        v -> {
          Topic t = topic(topic);
          t.mode = mode;
          t.loops.merge(loop, 1, Integer::sum);
          if (mode == PresenceMode.COUNT) {
            loop.deliverState(member, Events.PRESENCE_COUNT, count(t.view.publishedCount()));
          } else {
            loop.deliverState(member, Events.PRESENCE_STATE, t.view.publishedState());
          }
        });
  }

  void unsubscribe(String topic, LoopPresence loop) {
    context.runOnContext(
        v -> {
          Topic t = topics.get(topic);
          if (t != null
              && t.loops.computeIfPresent(loop, (l, n) -> n == 1 ? null : n - 1) == null) {
            dropIfIdle(t);
          }
        });
  }

  /**
   * The topic's presences now, across the cluster: {@code {"topic", "count" (distinct keys),
   * "connections", "presences": {key: {metas: [...]}}}}.
   */
  Future<JsonObject> list(String topic) {
    return onContext(
        () -> {
          Topic t = topics.get(topic);
          JsonObject presences = t == null ? new JsonObject() : t.view.currentState();
          return Future.succeededFuture(
              new JsonObject()
                  .put("topic", topic)
                  .put("count", t == null ? 0 : t.view.currentCount())
                  .put("connections", t == null ? 0 : t.view.size())
                  .put("presences", presences));
        });
  }

  private void apply(PresenceStore.Change change) {
    PresenceEntry before =
        change.after() == null ? byId.remove(change.id()) : byId.put(change.id(), change.after());
    PresenceEntry any = change.after() != null ? change.after() : before;
    if (any == null) {
      return; // a leave of something never fed (removed twice)
    }
    String self = store.selfNode();
    if (before != null && before.node().equals(self)) {
      meters.presencesChanged(-1);
    }
    if (change.after() != null && change.after().node().equals(self)) {
      meters.presencesChanged(1);
    }
    Topic t = topic(any.topic());
    t.view.apply(change.id(), change.after());
    if (t.loops.isEmpty()) {
      t.view.publish(); // nobody here to tell
      dropIfIdle(t);
    } else if (t.timer < 0) {
      t.timer = context.owner().setTimer(config.diffIntervalMs(), id -> flush(t));
    }
  }

  private void flush(Topic t) {
    t.timer = -1;
    int countBefore = t.view.publishedCount();
    TopicPresence.Diff diff = t.view.publish();
    if (diff != null && !t.loops.isEmpty()) {
      EncodedFrame frame;
      if (t.mode == PresenceMode.COUNT) {
        int count = t.view.publishedCount();
        frame =
            count == countBefore
                ? null
                : EncodedFrame.broadcast(t.view.topic, Events.PRESENCE_COUNT, count(count), false);
      } else {
        frame =
            EncodedFrame.broadcast(
                t.view.topic, Events.PRESENCE_DIFF, diff.payload().toBuffer(), false);
      }
      if (frame != null) {
        meters.presenceDiff(diff.metas());
        t.loops.keySet().forEach(loop -> loop.deliver(t.view.topic, frame));
      }
    }
    dropIfIdle(t);
  }

  private Topic topic(String name) {
    return topics.computeIfAbsent(name, Topic::new);
  }

  private void dropIfIdle(Topic t) {
    if (t.loops.isEmpty() && t.reserved == 0 && t.timer < 0 && t.view.isEmpty()) {
      topics.remove(t.view.topic, t);
    }
  }

  private Future<Void> write(String id, Supplier<Future<Void>> op) {
    Future<Void> previous = writing.get(id);
    Future<Void> next = previous == null ? op.get() : previous.transform(ar -> op.get());
    writing.put(id, next);
    next.onComplete(ar -> writing.remove(id, next));
    return next;
  }

  private static Buffer count(int count) {
    return new JsonObject().put("count", count).toBuffer();
  }

  /** Runs on the tracker's context; the result completes there. */
  private <T> Future<T> onContext(Supplier<Future<T>> work) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(result));
    return result.future();
  }
}
