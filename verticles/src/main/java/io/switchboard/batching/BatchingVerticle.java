package io.switchboard.batching;

import io.switchboard.broker.Broker;
import io.switchboard.compression.PayloadCompressor;
import io.switchboard.config.ChannelRule;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.protocol.Addresses;
import io.switchboard.protocol.Events;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the messages of {@code batch} channels per topic and broadcasts them as one {@code
 * batch} event {@code {"messages": [payload, ...]}} (arrival order) when the channel's {@code
 * batchMaxMessages} is reached or {@code batchMaxDelayMs} after the first pending message,
 * whichever comes first. A topic's pending batch is also flushed when a subscriber leaves it and
 * when the verticle stops: no exit path drops a message.
 *
 * <p>Like Netty's FlushConsolidationHandler: one job, state on one event loop, no locks.
 */
public final class BatchingVerticle extends VerticleBase {
  private static final byte[] OPEN =
      "{\"messages\":[".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final SwitchboardConfig config;
  private final Broker broker;
  private final SwitchboardMeters meters;
  private final PayloadCompressor compressor;
  private final Map<String, Pending> pending = new HashMap<>();

  private static final class Pending {
    final List<Buffer> messages = new ArrayList<>();
    final ChannelRule.Options options;
    long timerId = -1;
    int bytes;

    Pending(ChannelRule.Options options) {
      this.options = options;
    }
  }

  public BatchingVerticle(SwitchboardConfig config, Broker broker, SwitchboardMeters meters) {
    this.config = config;
    this.broker = broker;
    this.meters = meters;
    this.compressor = new PayloadCompressor(meters);
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    return Future.all(
        bus.<JsonObject>localConsumer(
                Addresses.BATCH_ADD,
                m -> add(m.body().getString("topic"), m.body().getBuffer("payload")))
            .completion(),
        bus.<JsonObject>consumer(Addresses.BATCH_FLUSH, m -> flush(m.body().getString("topic")))
            .completion());
  }

  @Override
  public Future<?> stop() {
    new ArrayList<>(pending.keySet()).forEach(this::flush);
    return Future.succeededFuture();
  }

  private void add(String topic, Buffer payload) {
    Pending p = pending.get(topic);
    if (p == null) {
      ChannelRule.Options options =
          config.ruleFor(topic).map(ChannelRule::options).orElse(ChannelRule.Options.DEFAULTS);
      p = new Pending(options);
      pending.put(topic, p);
      p.timerId = vertx.setTimer(options.batchMaxDelayMs(), id -> flush(topic));
    }
    p.messages.add(payload);
    p.bytes += payload.length();
    if (p.messages.size() >= p.options.batchMaxMessages()) {
      flush(topic);
    }
  }

  /** Broadcasts the topic's pending batch, if any, now. */
  private void flush(String topic) {
    Pending p = pending.remove(topic);
    if (p == null) {
      return;
    }
    vertx.cancelTimer(p.timerId);
    Buffer batch = Buffer.buffer(p.bytes + p.messages.size() + OPEN.length + 2).appendBytes(OPEN);
    for (int i = 0; i < p.messages.size(); i++) {
      if (i > 0) {
        batch.appendByte((byte) ',');
      }
      batch.appendBuffer(p.messages.get(i));
    }
    batch.appendString("]}");
    meters.batched(p.messages.size());
    broker.publish(topic, Events.BATCH, compressor.apply(p.options, batch), false);
  }
}
