package io.switchboard.broker;

import io.switchboard.concurrent.Contexts;
import io.switchboard.metrics.SwitchboardMeters;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fan-out across a Vert.x cluster. Local delivery goes straight through the {@link LocalBroker} and never waits on
 * the cluster; other nodes are reached with one clustered {@code publish} per broadcast to the topic's address,
 * which Vert.x delivers once to each node that registered a consumer there.
 *
 * <p>A node registers one consumer per topic: when its first local sink subscribes, and unregisters it when the
 * last one leaves, so cluster state changes only on a topic's first join and last leave on a node. The frame
 * crosses the cluster already encoded, so a broadcast is encoded once in the whole cluster. Each message carries
 * the publishing node's id: the publisher's own copy is dropped, since local subscribers already have it.
 */
public final class ClusteredBroker implements Broker {
  public static final String TOPIC_ADDRESS_PREFIX = "switchboard.topic.";

  private final LocalBroker local;
  private final EventBus bus;
  private final SwitchboardMeters meters;
  private final byte[] nodeId = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
  private final ConcurrentHashMap<String, Interest> interests = new ConcurrentHashMap<>();

  /** This node's cluster registration for one topic and the local sinks behind it. */
  private static final class Interest {
    final Set<BroadcastSink> sinks = new HashSet<>();
    final MessageConsumer<Buffer> consumer;

    Interest(MessageConsumer<Buffer> consumer) {
      this.consumer = consumer;
    }
  }

  public ClusteredBroker(LocalBroker local, EventBus bus, SwitchboardMeters meters) {
    this.local = local;
    this.bus = bus;
    this.meters = meters;
  }

  public static String address(String topic) {
    return TOPIC_ADDRESS_PREFIX + topic;
  }

  /**
   * Completes once this node's registration for the topic is in the cluster's subscription map. The registration
   * belongs to whichever event loop subscribed first; callers on other loops get their callbacks on their own.
   */
  @Override
  public Future<Void> subscribe(String topic, BroadcastSink sink) {
    Context caller = Vertx.currentContext();
    Interest interest = interests.compute(topic, (t, current) -> {
      Interest i = current != null ? current : new Interest(bus.consumer(address(t), this::fromCluster));
      i.sinks.add(sink);
      local.subscribe(t, sink);
      return i;
    });
    Future<Void> registered = interest.consumer.completion();
    return caller == null ? registered : Contexts.on(caller, registered);
  }

  @Override
  public void unsubscribe(String topic, BroadcastSink sink) {
    interests.computeIfPresent(topic, (t, i) -> {
      i.sinks.remove(sink);
      local.unsubscribe(t, sink);
      if (i.sinks.isEmpty()) {
        i.consumer.unregister();
        return null;
      }
      return i;
    });
  }

  @Override
  public void publish(String topic, String event, Buffer payload, boolean binary) {
    EncodedFrame frame = EncodedFrame.broadcast(topic, event, payload, binary);
    local.deliver(topic, () -> frame);
    bus.publish(address(topic), wire(frame));
    meters.clusterPublished();
  }

  @Override
  public int topicCount() {
    return local.topicCount();
  }

  /** {@code [id length][node id][binary flag][frame bytes]}. */
  private Buffer wire(EncodedFrame frame) {
    return Buffer.buffer(frame.bytes().length() + nodeId.length + 2)
        .appendByte((byte) nodeId.length).appendBytes(nodeId)
        .appendByte((byte) (frame.binary() ? 1 : 0))
        .appendBuffer(frame.bytes());
  }

  private void fromCluster(Message<Buffer> message) {
    Buffer body = message.body();
    int idLength = body.getByte(0);
    if (sameNode(body, idLength)) {
      return;
    }
    meters.clusterReceived();
    boolean binary = body.getByte(1 + idLength) == 1;
    EncodedFrame frame = new EncodedFrame(body.slice(2 + idLength, body.length()), binary);
    String topic = message.address().substring(TOPIC_ADDRESS_PREFIX.length());
    local.deliver(topic, () -> frame);
  }

  private boolean sameNode(Buffer body, int idLength) {
    if (idLength != nodeId.length) {
      return false;
    }
    for (int i = 0; i < idLength; i++) {
      if (body.getByte(1 + i) != nodeId[i]) {
        return false;
      }
    }
    return true;
  }
}
