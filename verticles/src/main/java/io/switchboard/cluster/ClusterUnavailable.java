package io.switchboard.cluster;

/**
 * A publish refused because this node is isolated from its cluster ({@link ClusterGuard}): nothing
 * was sent, and the publisher is told so rather than answered {@code ok}.
 */
public final class ClusterUnavailable extends RuntimeException {
  public ClusterUnavailable() {
    super("this node is isolated from its cluster", null, false, false);
  }
}
