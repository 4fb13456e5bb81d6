package io.switchboard.presence;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * Where presences live: in this process on a single node, in a Hazelcast map (with a backup) when
 * clustered. Every node follows every change through {@link #start}'s feed, so each keeps a view of
 * every topic and computes its subscribers' diffs itself (as Phoenix does); nothing else replicates
 * presence. The contract ({@code PresenceStoreContract}) holds for both.
 *
 * <ul>
 *   <li>The feed starts with every presence already stored (as joins), then every change, each
 *       presence's changes in the order they were made; all on the given context.
 *   <li>Ids are unique: an id is put (tracked, then updated) and removed once.
 *   <li>When a member leaves the cluster, its presences are removed, and the feed says so.
 * </ul>
 */
public interface PresenceStore {

  /** One change: {@code before} null for a join, {@code after} null for a leave. */
  record Change(String id, PresenceEntry before, PresenceEntry after) {
    String topic() {
      return after != null ? after.topic() : before.topic();
    }
  }

  /** Starts the feed on {@code context}; completes once the stored presences were fed. */
  Future<Void> start(Context context, Consumer<Change> feed);

  /** The node id this store puts in this member's presences. */
  String selfNode();

  /** Tracks or updates. */
  Future<Void> put(PresenceEntry entry);

  Future<Void> remove(String id);

  /** Removes every presence of the node (a member that left, or this one stopping). */
  Future<Void> removeNode(String node);

  /** Stops the feed. */
  Future<Void> close();
}
