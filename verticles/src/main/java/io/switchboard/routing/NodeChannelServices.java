package io.switchboard.routing;

import io.switchboard.broker.Broker;
import io.switchboard.channel.ChannelServices;
import io.switchboard.channel.Publication;
import io.switchboard.compression.PayloadCompressor;
import io.switchboard.config.ChannelRule;
import io.switchboard.history.PublishOutcome;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * {@link ChannelServices} on a node: broadcasts through the broker, the rest over the event bus.
 * One per event loop: its payload compressor is not thread-safe.
 */
public final class NodeChannelServices implements ChannelServices {
  private final Broker broker;
  private final EventBus bus;
  private final PayloadCompressor compressor;

  public NodeChannelServices(Broker broker, EventBus bus, SwitchboardMeters meters) {
    this.broker = broker;
    this.bus = bus;
    this.compressor = new PayloadCompressor(meters);
  }

  @Override
  public Future<PublishOutcome> broadcast(Publication p) {
    Buffer payload = p.payload();
    if (!p.binary()) {
      payload =
          compressor.apply(
              p.rule() == null ? ChannelRule.Options.DEFAULTS : p.rule().options(), payload);
    }
    return broker.publish(
        p.topic(), p.event(), payload, p.binary(), p.idempotencyKey(), p.origin());
  }

  @Override
  public void ingest(JsonObject message) {
    bus.publish(Addresses.INGEST, message);
  }

  @Override
  public void stream(JsonObject message) {
    bus.publish(Addresses.STREAM, message);
  }

  @Override
  public void addToBatch(String topic, Buffer payload) {
    // Sent, to this node's batching verticle (a local consumer): one node collects a topic's batch
    // for its publishers.
    bus.send(Addresses.BATCH_ADD, new JsonObject().put("topic", topic).put("payload", payload));
  }

  @Override
  public void flushBatch(String topic) {
    bus.publish(Addresses.BATCH_FLUSH, new JsonObject().put("topic", topic));
  }
}
