package io.switchboard.limits;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Phoenix sockets per user (token {@code sub}) on this node, against {@code
 * limits.maxConnectionsPerUser}. Node-wide, so a user's sockets count together whichever event loop
 * they landed on; not cluster-wide (that would put a cluster write on every connect). An entry per
 * connected user (the id is the principal's own string; counts up to 127 are shared boxes), gone
 * with the user's last socket.
 */
public final class UserConnections {
  private final int max;
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

  public UserConnections(int max) {
    this.max = max;
  }

  /** Counts one more socket of {@code user}; false (and nothing counted) if it has {@code max}. */
  public boolean tryOpen(String user) {
    boolean[] counted = {false};
    // compute is atomic per key: two upgrades of one user on two event loops cannot both take the
    // last place.
    open.compute(
        user,
        (u, n) -> {
          int now = n == null ? 0 : n;
          if (now >= max) {
            return n;
          }
          counted[0] = true;
          return now + 1;
        });
    return counted[0];
  }

  /** Once per successful {@link #tryOpen}, when that socket is gone. */
  public void closed(String user) {
    open.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
  }

  /** Sockets {@code user} holds now. */
  public int of(String user) {
    return open.getOrDefault(user, 0);
  }
}
