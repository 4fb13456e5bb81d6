package io.switchboard.broker;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Single-node fan-out: a topic → sinks registry. Sinks are per socket-verticle instance (one per event loop), not
 * per socket, so the lists are short and change only on a topic's first join and last leave on that loop;
 * copy-on-write keeps publish lock-free.
 */
public final class LocalBroker implements Broker {
  private final ConcurrentHashMap<String, CopyOnWriteArrayList<BroadcastSink>> sinks = new ConcurrentHashMap<>();

  @Override
  public Future<Void> subscribe(String topic, BroadcastSink sink) {
    sinks.compute(topic, (t, list) -> {
      CopyOnWriteArrayList<BroadcastSink> l = list == null ? new CopyOnWriteArrayList<>() : list;
      l.addIfAbsent(sink);
      return l;
    });
    return Future.succeededFuture();
  }

  @Override
  public void unsubscribe(String topic, BroadcastSink sink) {
    sinks.computeIfPresent(topic, (t, list) -> {
      list.remove(sink);
      return list.isEmpty() ? null : list;
    });
  }

  @Override
  public void publish(String topic, String event, Buffer payload, boolean binary) {
    deliver(topic, () -> EncodedFrame.broadcast(topic, event, payload, binary));
  }

  /** Delivers to this node's sinks, encoding only if somebody here listens. Used by clustered brokers too. */
  public void deliver(String topic, java.util.function.Supplier<EncodedFrame> encoder) {
    List<BroadcastSink> targets = sinks.get(topic);
    if (targets == null) {
      return;
    }
    EncodedFrame frame = encoder.get();
    for (BroadcastSink sink : targets) {
      sink.deliver(topic, frame);
    }
  }

  public boolean hasSubscribers(String topic) {
    return sinks.containsKey(topic);
  }

  @Override
  public int topicCount() {
    return sinks.size();
  }
}
