package io.switchboard.channel;

import io.vertx.core.json.JsonObject;

/**
 * {@code ingest}: client events are acknowledged and handed to backends on {@code
 * switchboard.ingest} as {@code {"topic", "event", "user", "payload", "received_at"}}; a binary
 * payload arrives as {@code {"binary": base64}}.
 */
final class IngestChannel implements ChannelBehaviour {

  @Override
  public RouteDecision accept(ChannelServices services, ClientEvent e) {
    JsonObject payload =
        e.binary() ? new JsonObject().put("binary", e.payload()) : new JsonObject(e.payload());
    services.ingest(
        new JsonObject()
            .put("topic", e.topic())
            .put("event", e.event())
            .put("user", e.user().userId())
            .put("payload", payload)
            .put("received_at", System.currentTimeMillis()));
    return RouteDecision.ACCEPTED;
  }
}
