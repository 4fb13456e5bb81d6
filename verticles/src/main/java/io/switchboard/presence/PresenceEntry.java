package io.switchboard.presence;

import io.vertx.core.json.JsonObject;

/**
 * One tracked presence: one socket on one topic.
 *
 * @param id the store's key for it, unique for as long as the cluster runs
 * @param topic where it is
 * @param key whose it is: the token's {@code sub} (a user's sockets share the key)
 * @param node the cluster member whose socket it is (its presences go when it does)
 * @param ref its {@code phx_ref}, new on every update
 * @param prevRef the {@code phx_ref} it had before its last update, or null
 * @param meta what the app put in it, {@code online_at} included
 */
public record PresenceEntry(
    String id, String topic, String key, String node, String ref, String prevRef, JsonObject meta) {

  /** The same presence with a new meta: a new phx_ref, the old one as {@code phx_ref_prev}. */
  PresenceEntry updated(String newRef, JsonObject newMeta) {
    return new PresenceEntry(id, topic, key, node, newRef, ref, newMeta);
  }

  /** The meta as Phoenix Presence sends it: {@code {phx_ref, phx_ref_prev?, ...meta}}. */
  JsonObject wireMeta() {
    JsonObject wire = new JsonObject().put("phx_ref", ref);
    if (prevRef != null) {
      wire.put("phx_ref_prev", prevRef);
    }
    return wire.mergeIn(meta);
  }

  /** How the cluster stores it (short names: one entry per joined socket). */
  JsonObject toJson() {
    JsonObject json =
        new JsonObject().put("t", topic).put("k", key).put("n", node).put("r", ref).put("m", meta);
    if (prevRef != null) {
      json.put("p", prevRef);
    }
    return json;
  }

  static PresenceEntry fromJson(String id, JsonObject json) {
    return new PresenceEntry(
        id,
        json.getString("t"),
        json.getString("k"),
        json.getString("n"),
        json.getString("r"),
        json.getString("p"),
        json.getJsonObject("m"));
  }
}
