package io.switchboard.broker;

import io.switchboard.history.StreamPosition;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link ClusterLink} over the clustered Vert.x event bus: one clustered {@code publish} per
 * broadcast to the topic's address, which Vert.x delivers once to each node that registered a
 * consumer there.
 *
 * <p>A node registers one consumer per topic (its first local member) and unregisters it after the
 * last leave. The frame crosses the cluster already encoded, so a broadcast is encoded once in the
 * whole cluster. Each message carries the publishing node's id: the publisher's own copy is
 * dropped, since its local members already have it.
 */
public final class EventBusClusterLink implements ClusterLink {
  private static final int BINARY = 1;
  private static final int POSITIONED = 2;

  private final EventBus bus;
  private final SwitchboardMeters meters;
  private final byte[] nodeId = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);

  /**
   * This node's cluster registrations, by topic: handles to take back, not membership (the broker
   * owns that).
   */
  private final ConcurrentHashMap<String, MessageConsumer<Buffer>> registrations =
      new ConcurrentHashMap<>();

  public EventBusClusterLink(EventBus bus, SwitchboardMeters meters) {
    this.bus = bus;
    this.meters = meters;
  }

  public static String address(String topic) {
    return Addresses.TOPIC_PREFIX + topic;
  }

  @Override
  public Future<Void> subscribe(String topic, BroadcastSink arrivals) {
    MessageConsumer<Buffer> consumer = bus.consumer(address(topic), m -> fromCluster(m, arrivals));
    registrations.put(topic, consumer);
    return consumer.completion();
  }

  @Override
  public void unsubscribe(String topic) {
    MessageConsumer<Buffer> consumer = registrations.remove(topic);
    if (consumer != null) {
      consumer.unregister();
    }
  }

  @Override
  public void publish(String topic, EncodedFrame frame) {
    bus.publish(address(topic), wire(frame));
    meters.clusterPublished();
  }

  /**
   * {@code [id length][node id][flags][frame bytes]}, or with a stream position {@code [id
   * length][node id][flags][offset: 8][epoch length][epoch][frame bytes]}; flags: 1 binary, 2 has a
   * position.
   */
  private Buffer wire(EncodedFrame frame) {
    StreamPosition position = frame.position();
    byte[] epoch = position == null ? null : position.epoch().getBytes(StandardCharsets.US_ASCII);
    Buffer wire =
        Buffer.buffer(
                frame.bytes().length() + nodeId.length + 2 + (epoch == null ? 0 : 9 + epoch.length))
            .appendByte((byte) nodeId.length)
            .appendBytes(nodeId)
            .appendByte((byte) ((frame.binary() ? BINARY : 0) | (epoch == null ? 0 : POSITIONED)));
    if (epoch != null) {
      wire.appendLong(position.offset()).appendByte((byte) epoch.length).appendBytes(epoch);
    }
    return wire.appendBuffer(frame.bytes());
  }

  private void fromCluster(Message<Buffer> message, BroadcastSink arrivals) {
    Buffer body = message.body();
    int idLength = body.getByte(0);
    if (sameNode(body, idLength)) {
      return;
    }
    meters.clusterReceived();
    int flags = body.getByte(1 + idLength);
    int at = 2 + idLength;
    StreamPosition position = null;
    if ((flags & POSITIONED) != 0) {
      long offset = body.getLong(at);
      int epochLength = body.getByte(at + 8);
      position =
          new StreamPosition(body.getString(at + 9, at + 9 + epochLength, "US-ASCII"), offset);
      at += 9 + epochLength;
    }
    EncodedFrame frame =
        new EncodedFrame(body.slice(at, body.length()), (flags & BINARY) != 0, position);
    arrivals.deliver(message.address().substring(Addresses.TOPIC_PREFIX.length()), frame);
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
