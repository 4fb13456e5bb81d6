package io.switchboard.presence;

import io.switchboard.cluster.ClusterNodes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Presences of a single node, in memory. Used only from the tracker's context: each change is fed
 * as it is made.
 */
final class LocalPresenceStore implements PresenceStore {
  private final Map<String, PresenceEntry> entries = new HashMap<>();
  private Consumer<Change> feed = change -> {};

  @Override
  public Future<Void> start(Context context, Consumer<Change> feed) {
    this.feed = feed;
    return Future.succeededFuture();
  }

  @Override
  public String selfNode() {
    return ClusterNodes.LOCAL;
  }

  @Override
  public Future<Void> put(PresenceEntry entry) {
    PresenceEntry before = entries.put(entry.id(), entry);
    feed.accept(new Change(entry.id(), before, entry));
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> remove(String id) {
    PresenceEntry before = entries.remove(id);
    if (before != null) {
      feed.accept(new Change(id, before, null));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> removeNode(String node) {
    List<String> gone = new ArrayList<>();
    entries.forEach(
        (id, e) -> {
          if (e.node().equals(node)) {
            gone.add(id);
          }
        });
    gone.forEach(this::remove);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    feed = change -> {};
    return Future.succeededFuture();
  }
}
