package io.switchboard.bridge;

import io.switchboard.broker.BroadcastSink;
import io.switchboard.broker.Broker;
import io.switchboard.broker.EncodedFrame;
import io.switchboard.protocol.Frame;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.V2JsonCodec;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Feeds the event bus bridge: while any bridge client on this node has registered {@code topic:<topic>}, one
 * broker sink for the topic turns each broadcast into {@code {"topic", "event", "payload"}} (or {@code "binary"}:
 * base64) and publishes it, node-locally, to {@code topic:<topic>}, where the bridge hands it to its clients.
 * Node-wide and thread-safe: socket verticle instances share it, so each broadcast is converted once per node.
 */
public final class BridgeFanout implements BroadcastSink {
  public static final String ADDRESS_PREFIX = "topic:";
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Broker broker;
  private final EventBus bus;
  private final ConcurrentHashMap<String, AtomicInteger> registrations = new ConcurrentHashMap<>();

  public BridgeFanout(Broker broker, EventBus bus) {
    this.broker = broker;
    this.bus = bus;
  }

  /** A bridge client registered the topic; completes when broadcasts from anywhere reach it. */
  public Future<Void> register(String topic) {
    boolean[] first = {false};
    registrations.compute(topic, (t, n) -> {
      if (n == null) {
        first[0] = true;
        return new AtomicInteger(1);
      }
      n.incrementAndGet();
      return n;
    });
    return first[0] ? broker.subscribe(topic, this) : Future.succeededFuture();
  }

  public void unregister(String topic) {
    registrations.computeIfPresent(topic, (t, n) -> {
      if (n.decrementAndGet() > 0) {
        return n;
      }
      broker.unsubscribe(t, this);
      return null;
    });
  }

  @Override
  public void deliver(String topic, EncodedFrame frame) {
    bus.publish(ADDRESS_PREFIX + topic, toMessage(frame), LOCAL);
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
      return new JsonObject().put("topic", topic).put("event", event)
          .put("binary", Base64.getEncoder().encodeToString(payload));
    }
    try {
      Frame f = V2JsonCodec.decode(frame.bytes().toString());
      return new JsonObject().put("topic", f.topic()).put("event", f.event()).put("payload", new JsonObject(f.payload()));
    } catch (FrameException e) {
      throw new IllegalStateException("a broadcast frame we encoded does not decode", e);
    }
  }
}
