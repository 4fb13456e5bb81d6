package io.switchboard.channel;

import io.switchboard.config.ChannelRule;
import io.vertx.core.buffer.Buffer;

/**
 * A broadcast on its way to a topic's subscribers: from a backend, or from a client push a channel
 * accepted.
 *
 * @param rule the topic's rule; null for topics no rule serves (backends may still publish there)
 * @param payload a JSON object's text, or raw bytes when {@code binary}
 * @param idempotencyKey the publisher's key, scoped ({@link
 *     io.switchboard.idempotency.IdempotencyKey}); null: none
 */
public record Publication(
    ChannelRule rule,
    String topic,
    String event,
    Buffer payload,
    boolean binary,
    String idempotencyKey) {

  public Publication(ChannelRule rule, String topic, String event, Buffer payload, boolean binary) {
    this(rule, topic, event, payload, binary, null);
  }

  public static Publication of(ClientEvent e) {
    return new Publication(e.rule(), e.topic(), e.event(), e.payload(), e.binary());
  }

  public Publication withIdempotencyKey(String scopedKey) {
    return new Publication(rule, topic, event, payload, binary, scopedKey);
  }
}
