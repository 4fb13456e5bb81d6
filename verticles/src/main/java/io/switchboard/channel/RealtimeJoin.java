package io.switchboard.channel;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * What one realtime-js join asked for, from its payload {@code {"config": {"broadcast": {"ack",
 * "self"}, "presence": {"key", "enabled"}, "postgres_changes", "private"}, "access_token"}}
 * (realtime-js {@code RealtimeChannel.subscribe}). Missing members take realtime-js's own defaults:
 * no ack, no self, presence off. Kept in the channel's state.
 *
 * @param presenceKey the key this socket's presence is tracked under: {@code config.presence.key},
 *     or a random UUID when empty, as Supabase's server does
 */
record RealtimeJoin(boolean self, boolean ack, String presenceKey, boolean presenceEnabled) {

  /** Throws {@link IllegalArgumentException} saying which member has the wrong type. */
  static RealtimeJoin parse(Buffer params) {
    JsonObject join = new JsonObject(params);
    JsonObject config = object(join, "config", "");
    JsonObject broadcast = object(config, "broadcast", "config.");
    JsonObject presence = object(config, "presence", "config.");
    String key = presence.getValue("key") == null ? "" : string(presence, "key");
    return new RealtimeJoin(
        bool(broadcast, "self"),
        bool(broadcast, "ack"),
        key.isEmpty() ? UUID.randomUUID().toString() : key,
        bool(presence, "enabled"));
  }

  private static JsonObject object(JsonObject parent, String name, String path) {
    Object value = parent.getValue(name);
    if (value == null) {
      return new JsonObject();
    }
    if (!(value instanceof JsonObject o)) {
      throw new IllegalArgumentException(path + name + " must be an object");
    }
    return o;
  }

  private static boolean bool(JsonObject parent, String name) {
    Object value = parent.getValue(name);
    if (value != null && !(value instanceof Boolean)) {
      throw new IllegalArgumentException(name + " must be true or false");
    }
    return Boolean.TRUE.equals(value);
  }

  private static String string(JsonObject parent, String name) {
    if (!(parent.getValue(name) instanceof String s)) {
      throw new IllegalArgumentException("config.presence." + name + " must be a string");
    }
    return s;
  }
}
