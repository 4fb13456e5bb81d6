package io.switchboard.presence;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One topic's presences as this node sees them: {@code current} (every change the store fed) and
 * {@code published} (what this node's subscribers were last told). A diff is the difference between
 * the two for the presences that changed since, so a join storm is one diff per interval, and a
 * presence that joined and left within it is none. Touched only on the tracker's context.
 */
final class TopicPresence {
  final String topic;
  private final Map<String, PresenceEntry> current = new LinkedHashMap<>();
  private final Map<String, PresenceEntry> published = new LinkedHashMap<>();
  private final Set<String> changed = new LinkedHashSet<>();

  /** Metas per key in {@code published}: its size is the count subscribers were last told. */
  private final Map<String, Integer> publishedKeys = new HashMap<>();

  /** {@code published} as presence_state JSON, until it changes. */
  private Buffer state;

  TopicPresence(String topic) {
    this.topic = topic;
  }

  void apply(String id, PresenceEntry after) {
    if (after == null) {
      current.remove(id);
    } else {
      current.put(id, after);
    }
    changed.add(id);
  }

  boolean hasChanges() {
    return !changed.isEmpty();
  }

  /** Presences (sockets) on the topic. */
  int size() {
    return current.size();
  }

  boolean isEmpty() {
    return current.isEmpty() && published.isEmpty() && changed.isEmpty();
  }

  /**
   * Makes {@code published} current and returns the difference as Phoenix's {@code {joins,
   * leaves}}, or null when nothing subscribers could see changed. An update (a new phx_ref for the
   * same presence) is its new meta in joins and its old one in leaves.
   */
  Diff publish() {
    if (changed.isEmpty()) {
      return null;
    }
    JsonObject joins = new JsonObject();
    JsonObject leaves = new JsonObject();
    int metas = 0;
    for (String id : changed) {
      PresenceEntry was = published.get(id);
      PresenceEntry now = current.get(id);
      if (was == null && now == null) {
        continue; // joined and left within the interval
      }
      if (was != null && now != null && was.ref().equals(now.ref())) {
        published.put(id, now); // fed twice (the store's start): nothing new
        continue;
      }
      if (was != null) {
        published.remove(id);
        add(leaves, was);
        publishedKeys.computeIfPresent(was.key(), (k, n) -> n == 1 ? null : n - 1);
        metas++;
      }
      if (now != null) {
        published.put(id, now);
        add(joins, now);
        publishedKeys.merge(now.key(), 1, Integer::sum);
        metas++;
      }
    }
    changed.clear();
    if (metas == 0) {
      return null;
    }
    state = null;
    return new Diff(new JsonObject().put("joins", joins).put("leaves", leaves), metas);
  }

  /** A {@code presence_diff} payload and how many metas it carries. */
  record Diff(JsonObject payload, int metas) {}

  /** Distinct keys (users) subscribers were last told of. */
  int publishedCount() {
    return publishedKeys.size();
  }

  /** What subscribers were last told, as a {@code presence_state} payload. */
  Buffer publishedState() {
    if (state == null) {
      state = stateOf(published.values()).toBuffer();
    }
    return state;
  }

  /** Everything fed so far, as a {@code presence_state} payload (the HTTP API's listing). */
  JsonObject currentState() {
    return stateOf(current.values());
  }

  /** Distinct keys now. */
  int currentCount() {
    Set<String> keys = new LinkedHashSet<>();
    current.values().forEach(e -> keys.add(e.key()));
    return keys.size();
  }

  private static JsonObject stateOf(Collection<PresenceEntry> entries) {
    JsonObject state = new JsonObject();
    entries.forEach(e -> add(state, e));
    return state;
  }

  /** Adds the entry's meta to {@code {key: {metas: [...]}}}. */
  private static void add(JsonObject state, PresenceEntry e) {
    JsonObject presence = state.getJsonObject(e.key());
    if (presence == null) {
      presence = new JsonObject().put("metas", new JsonArray());
      state.put(e.key(), presence);
    }
    presence.getJsonArray("metas").add(e.wireMeta());
  }
}
