package io.switchboard.broker;

import io.switchboard.concurrent.Contexts;
import io.switchboard.config.ChannelRule;
import io.switchboard.config.ConfigReader;
import io.switchboard.history.PublishOutcome;
import io.switchboard.idempotency.IdempotencyKey;
import io.switchboard.idempotency.IdempotencyStore;
import io.switchboard.idempotency.IdempotencyUnavailable;
import io.switchboard.idempotency.LocalIdempotencyStore;
import io.switchboard.metrics.SwitchboardMeters;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link Broker} of a node: the one owner of topic membership here, topic → sinks and member
 * counts. Sinks are per socket-verticle instance (one per event loop) plus the bridge's one, not
 * per socket, so the sink lists are short and change only on a topic's first join and last leave on
 * a loop; copy-on-write keeps publish lock-free. A topic's first member tells the {@link
 * ClusterLink} and its last leave takes that back.
 *
 * <p>Topics whose rule keeps history: each broadcast is appended to the {@link BrokerHistory}'s
 * store first, and goes out with the offset it got; each node puts arrivals back in offset order
 * ({@link OffsetOrder}) under the topic's lock, so its sinks see every offset once, in order.
 */
public final class LocalBroker implements Broker {
  private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
  private final ClusterLink cluster;
  private final SwitchboardMeters meters;

  /**
   * One topic's members on this node. Sink counts and {@code members} change only inside the map's
   * compute; {@code members} is atomic so subscriber-count queries can read it from any thread.
   */
  private static final class Topic {
    final CopyOnWriteArrayList<BroadcastSink> sinks = new CopyOnWriteArrayList<>();
    final Map<BroadcastSink, Integer> membersPerSink = new HashMap<>(4);

    /** Read without the lock by subscriber-count queries. */
    final AtomicInteger members = new AtomicInteger();

    Future<Void> linked;

    /** History topics only: arrivals in offset order. Touched under this topic's lock. */
    OffsetOrder order;
  }

  private static final Future<PublishOutcome> SENT = Future.succeededFuture(PublishOutcome.SENT);

  /** Null: no topic keeps history (tests of the plain broker). */
  private final BrokerHistory history;

  /** The idempotency keys of topics without history (history topics keep theirs in the stream). */
  private final IdempotencyStore idempotency;

  private final ClaimOrder claimOrder = new ClaimOrder();

  public LocalBroker(ClusterLink cluster, SwitchboardMeters meters) {
    this(cluster, null, meters);
  }

  public LocalBroker(ClusterLink cluster, BrokerHistory history, SwitchboardMeters meters) {
    this(
        cluster,
        history,
        new LocalIdempotencyStore(ConfigReader.DEFAULT_HISTORY_IDEMPOTENCY_WINDOW_SECONDS),
        meters);
  }

  public LocalBroker(
      ClusterLink cluster,
      BrokerHistory history,
      IdempotencyStore idempotency,
      SwitchboardMeters meters) {
    this.cluster = cluster;
    this.history = history;
    this.idempotency = idempotency;
    this.meters = meters;
  }

  private ChannelRule.History policyFor(String topic) {
    return history == null ? ChannelRule.History.OFF : history.policies().apply(topic);
  }

  @Override
  public Future<Void> subscribe(String topic, BroadcastSink sink) {
    Topic t =
        topics.compute(
            topic,
            (name, current) -> {
              Topic entry = current != null ? current : new Topic();
              if (entry.membersPerSink.merge(sink, 1, Integer::sum) == 1) {
                entry.sinks.add(sink);
              }
              entry.members.incrementAndGet();
              if (entry.linked == null) {
                entry.linked = cluster.subscribe(name, this::deliverFromCluster);
                ChannelRule.History policy = policyFor(name);
                if (policy.size() > 0) {
                  entry.order = new OffsetOrder(name);
                  entry.linked = entry.linked.compose(v -> startOrder(name, entry, policy));
                }
              }
              return entry;
            });
    // The registration belongs to whichever event loop subscribed first, and so do its callbacks,
    // even once it is complete: callers elsewhere get theirs on their own loop.
    return Contexts.onCaller(t.linked);
  }

  @Override
  public void unsubscribe(String topic, BroadcastSink sink) {
    topics.computeIfPresent(
        topic,
        (name, entry) -> {
          Integer n = entry.membersPerSink.get(sink);
          if (n == null) {
            return entry;
          }
          if (n == 1) {
            entry.membersPerSink.remove(sink);
            entry.sinks.remove(sink);
          } else {
            entry.membersPerSink.put(sink, n - 1);
          }
          if (entry.members.decrementAndGet() > 0) {
            return entry;
          }
          cluster.unsubscribe(name);
          return null;
        });
  }

  /**
   * The node's first member of a history topic: broadcasts the node gets from now on are released
   * after the stream's head as the registration completed (read after it, so no broadcast between
   * the two is missed: a later one reveals the gap).
   */
  private Future<Void> startOrder(String topic, Topic t, ChannelRule.History policy) {
    return history
        .store()
        .head(topic, policy)
        .map(
            head -> {
              synchronized (t) {
                t.order.start(head, f -> deliverNow(t, topic, f));
              }
              return null;
            });
  }

  @Override
  public Future<PublishOutcome> publish(
      String topic,
      String event,
      Buffer payload,
      boolean binary,
      String idempotencyKey,
      Object origin) {
    if (idempotencyKey == null) {
      meters.broadcast();
    }
    ChannelRule.History policy = policyFor(topic);
    if (policy.size() > 0) {
      // The stream finds a repeat in the same step as the append (cluster-wide, atomically).
      return history
          .store()
          .append(topic, policy, event, payload, binary, idempotencyKey)
          .map(
              outcome -> {
                if (outcome.duplicate()) {
                  meters.history().duplicate();
                  return outcome;
                }
                if (idempotencyKey != null) {
                  meters.broadcast();
                }
                meters.history().appended();
                send(
                    topic,
                    EncodedFrame.broadcast(
                        topic, event, payload, binary, outcome.position(), origin));
                return outcome;
              });
    }
    if (idempotencyKey == null && !claimOrder.busy(topic)) {
      sendPlain(topic, event, payload, binary, origin);
      return SENT;
    }
    return claimOrder.queue(
        topic,
        () -> {
          if (idempotencyKey == null) {
            sendPlain(topic, event, payload, binary, origin);
            return SENT;
          }
          return idempotency
              .claim(IdempotencyKey.onTopic(topic, idempotencyKey))
              .recover(err -> Future.failedFuture(new IdempotencyUnavailable(err)))
              .map(
                  first -> {
                    if (!first) {
                      meters.history().duplicate();
                      return PublishOutcome.REPEAT;
                    }
                    meters.broadcast();
                    sendPlain(topic, event, payload, binary, origin);
                    return PublishOutcome.SENT;
                  });
        });
  }

  /** A broadcast on a topic without history. */
  private void sendPlain(
      String topic, String event, Buffer payload, boolean binary, Object origin) {
    Topic local = topics.get(topic);
    if (local == null && cluster == ClusterLink.NONE) {
      return; // nobody anywhere: not even worth encoding
    }
    send(topic, EncodedFrame.broadcast(topic, event, payload, binary, null, origin));
  }

  private void send(String topic, EncodedFrame frame) {
    Topic local = topics.get(topic);
    if (local != null) {
      deliver(local, topic, frame);
    }
    cluster.publish(topic, frame);
  }

  private void deliverFromCluster(String topic, EncodedFrame frame) {
    Topic t = topics.get(topic);
    if (t != null) {
      deliver(t, topic, frame);
    }
  }

  private void deliver(Topic t, String topic, EncodedFrame frame) {
    if (t.order == null || frame.position() == null) {
      deliverNow(t, topic, frame);
      return;
    }
    synchronized (t) {
      countLost(t.order.offer(frame, f -> deliverNow(t, topic, f)));
      scheduleFill(t, topic);
    }
  }

  /** Under the topic's lock: if broadcasts wait for a missing one, read it after gapFillMs. */
  private void scheduleFill(Topic t, String topic) {
    if (t.order.needsFill()) {
      t.order.askFill();
      history.vertx().setTimer(history.gapFillMs(), id -> fill(t, topic));
    }
  }

  /** Reads what is still missing after {@code history.gapFillMs} from the store. */
  private void fill(Topic t, String topic) {
    if (topics.get(topic) != t) {
      return; // everyone here left meanwhile
    }
    long after;
    int limit;
    synchronized (t) {
      // Read now, not when asked: broadcasts may have arrived since.
      after = t.order.fillAfter();
      limit = t.order.fillLimit();
      if (limit == 0) {
        t.order.fillFailed(); // arrived meanwhile: nothing to read
        return;
      }
    }
    meters.history().gapFill();
    history
        .store()
        .read(topic, policyFor(topic), after, limit)
        .onComplete(
            ar -> {
              synchronized (t) {
                if (ar.succeeded()) {
                  countLost(t.order.filled(ar.result(), f -> deliverNow(t, topic, f)));
                } else {
                  t.order.fillFailed();
                }
                // Still waiting (a failed read, or a new gap meanwhile): ask again, not only when
                // the next broadcast happens to arrive.
                scheduleFill(t, topic);
              }
            });
  }

  private void countLost(int lost) {
    if (lost > 0) {
      meters.history().gapLost(lost);
    }
  }

  private static void deliverNow(Topic t, String topic, EncodedFrame frame) {
    for (BroadcastSink sink : t.sinks) {
      sink.deliver(topic, frame);
    }
  }

  @Override
  public int topicCount() {
    return topics.size();
  }

  @Override
  public int members(String topic) {
    Topic t = topics.get(topic);
    return t == null ? 0 : t.members.get();
  }
}
