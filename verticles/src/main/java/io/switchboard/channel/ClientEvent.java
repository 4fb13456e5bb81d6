package io.switchboard.channel;

import io.switchboard.auth.Principal;
import io.switchboard.config.ChannelRule;
import io.vertx.core.buffer.Buffer;

/**
 * A client's push on a joined topic, as the routing side sees it.
 *
 * @param payload a JSON object's text, or raw bytes when {@code binary}
 */
public record ClientEvent(
    ChannelRule rule, String topic, String event, Principal user, Buffer payload, boolean binary) {}
