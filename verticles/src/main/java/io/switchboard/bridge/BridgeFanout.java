package io.switchboard.bridge;

import io.switchboard.broker.BroadcastSink;
import io.switchboard.broker.Broker;
import io.switchboard.broker.EncodedFrame;
import io.switchboard.protocol.Addresses;
import io.switchboard.protocol.Frame;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.V2JsonCodec;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * Feeds the event bus bridge: the node's one broker sink for bridge clients. Each client
 * registration of {@code topic:<topic>} is one member of the topic in the broker; each broadcast is
 * turned into {@code {"topic", "event", "payload"}} (or {@code "binary"}: base64) once per node and
 * published, node-locally, to {@code topic:<topic>}, where the bridge hands it to its clients.
 * Thread-safe: socket verticle instances share it.
 */
public final class BridgeFanout implements BroadcastSink {
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Broker broker;
  private final EventBus bus;

  public BridgeFanout(Broker broker, EventBus bus) {
    this.broker = broker;
    this.bus = bus;
  }

  /** A bridge client registered the topic; completes when broadcasts from anywhere reach it. */
  public Future<Void> register(String topic) {
    return broker.subscribe(topic, this);
  }

  public void unregister(String topic) {
    broker.unsubscribe(topic, this);
  }

  @Override
  public void deliver(String topic, EncodedFrame frame) {
    bus.publish(Addresses.BRIDGE_TOPIC_PREFIX + topic, toMessage(frame), LOCAL);
  }

  static JsonObject toMessage(EncodedFrame frame) {
    if (frame.binary()) {
      // Broadcast kind 2: kind, topic size, event size, topic, event, payload.
      var b = frame.bytes();
      int topicLength = b.getUnsignedByte(1);
      int eventLength = b.getUnsignedByte(2);
      String topic = b.getString(3, 3 + topicLength);
      String event = b.getString(3 + topicLength, 3 + topicLength + eventLength);
      byte[] payload = b.getBytes(3 + topicLength + eventLength, b.length());
      return new JsonObject()
          .put("topic", topic)
          .put("event", event)
          .put("binary", Base64.getEncoder().encodeToString(payload));
    }
    try {
      Frame f = V2JsonCodec.decode(frame.bytes().toString());
      return new JsonObject()
          .put("topic", f.topic())
          .put("event", f.event())
          .put("payload", new JsonObject(f.payload()));
    } catch (FrameException e) {
      throw new IllegalStateException("a broadcast frame we encoded does not decode", e);
    }
  }
}
