package io.switchboard.routing;

import io.switchboard.auth.Principal;
import io.switchboard.config.ChannelRule;
import io.switchboard.protocol.Events;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The bodies exchanged between socket verticles and the router on {@code switchboard.route.*}. JSON so that an
 * edge node and a core node can be different processes.
 */
public final class RouteMessages {
  private RouteMessages() {
  }

  public static JsonObject join(String topic, Principal user) {
    return new JsonObject().put("topic", topic).put("user", user.userId())
        .put("topics", new JsonArray(List.copyOf(user.topics())));
  }

  public static JsonObject push(String topic, String event, Principal user, Buffer payload, boolean binary) {
    return new JsonObject().put("topic", topic).put("event", event).put("user", user.userId())
        .put("payload", payload).put("binary", binary);
  }

  /** A granted join, with the channel's kind (the socket serves stream channels itself). */
  public static JsonObject joined(ChannelRule rule) {
    return ok().put("kind", rule.kind().configName()).put("streamBufferMax", rule.options().streamBufferMax());
  }

  public static JsonObject ok() {
    return new JsonObject().put("status", Events.STATUS_OK);
  }

  public static JsonObject error(String reason) {
    return new JsonObject().put("status", Events.STATUS_ERROR).put("reason", reason);
  }

  public static boolean isOk(JsonObject reply) {
    return Events.STATUS_OK.equals(reply.getString("status"));
  }
}
