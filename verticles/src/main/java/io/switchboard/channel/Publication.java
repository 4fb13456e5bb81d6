package io.switchboard.channel;

import io.switchboard.config.ChannelRule;
import io.vertx.core.buffer.Buffer;

/**
 * A broadcast on its way to a topic's subscribers: from a backend, or from a client push a channel
 * accepted.
 *
 * @param rule the topic's rule; null for topics no rule serves (backends may still publish there)
 * @param payload a JSON object's text, or raw bytes when {@code binary}
 */
public record Publication(
    ChannelRule rule, String topic, String event, Buffer payload, boolean binary) {

  public static Publication of(ClientEvent e) {
    return new Publication(e.rule(), e.topic(), e.event(), e.payload(), e.binary());
  }
}
