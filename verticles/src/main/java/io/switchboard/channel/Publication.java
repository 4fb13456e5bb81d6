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
 * @param origin the one local client not to deliver it to ({@link #withOrigin}); null: none
 */
public record Publication(
    ChannelRule rule,
    String topic,
    String event,
    Buffer payload,
    boolean binary,
    String idempotencyKey,
    Object origin) {

  public Publication(
      ChannelRule rule,
      String topic,
      String event,
      Buffer payload,
      boolean binary,
      String idempotencyKey) {
    this(rule, topic, event, payload, binary, idempotencyKey, null);
  }

  public Publication(ChannelRule rule, String topic, String event, Buffer payload, boolean binary) {
    this(rule, topic, event, payload, binary, null, null);
  }

  /**
   * The same, not delivered to {@code origin} ({@link ChannelSession#broadcastTarget()}): a
   * realtime-js sender with {@code self: false}. Only on the sender's own node.
   */
  public Publication withOrigin(Object origin) {
    return new Publication(rule, topic, event, payload, binary, idempotencyKey, origin);
  }

  public static Publication of(ClientEvent e) {
    return new Publication(e.rule(), e.topic(), e.event(), e.payload(), e.binary());
  }

  public Publication withIdempotencyKey(String scopedKey) {
    return new Publication(rule, topic, event, payload, binary, scopedKey, origin);
  }
}
