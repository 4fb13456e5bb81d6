package io.switchboard.broker;

import io.switchboard.concurrent.Contexts;
import io.switchboard.metrics.SwitchboardMeters;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
  }

  public LocalBroker(ClusterLink cluster, SwitchboardMeters meters) {
    this.cluster = cluster;
    this.meters = meters;
  }

  @Override
  public Future<Void> subscribe(String topic, BroadcastSink sink) {
    Context caller = Vertx.currentContext();
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
              }
              return entry;
            });
    // The registration belongs to whichever event loop subscribed first; callers elsewhere get
    // callbacks on their own.
    Future<Void> linked = t.linked;
    return caller == null || linked.isComplete() ? linked : Contexts.on(caller, linked);
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

  @Override
  public void publish(String topic, String event, Buffer payload, boolean binary) {
    meters.broadcast();
    Topic local = topics.get(topic);
    if (local == null && cluster == ClusterLink.NONE) {
      return; // nobody anywhere: not even worth encoding
    }
    EncodedFrame frame = EncodedFrame.broadcast(topic, event, payload, binary);
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

  private static void deliver(Topic t, String topic, EncodedFrame frame) {
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
