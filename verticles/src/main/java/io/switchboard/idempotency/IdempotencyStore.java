package io.switchboard.idempotency;

import io.vertx.core.Future;

/**
 * The idempotency keys of topics without history: whether a publish is the first with its key
 * within the window (topics with history keep their keys in their stream instead, so a repeat is
 * found atomically with the append). The seam between the single node's memory and the cluster's
 * Hazelcast map.
 *
 * <p>Contract (checked by {@code IdempotencyStoreContract} against both):
 *
 * <ul>
 *   <li>Of all claims of one key within the window, from any node and however concurrent, exactly
 *       one completes with true; the others complete with false.
 *   <li>Once the window has passed since the first claim, the key may be claimed again.
 *   <li>A claim that Hazelcast runs twice (at least once: its first answer was lost to a migration
 *       or a member change) still answers true to its caller.
 *   <li>Futures complete on the caller's context when there is one. A failed future means the store
 *       could not tell: the caller must not publish.
 * </ul>
 */
public interface IdempotencyStore {

  /** True if this is the key's first claim within the window; it then holds for the window. */
  Future<Boolean> claim(String key);
}
