package io.switchboard.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether this node's side of the cluster may serve, from the members it can see: a side
 * serves when it holds a majority of the last view that did, or exactly half of it with that view's
 * oldest member. Any other side is isolated: a node that was paused or cut off and sees only
 * itself, while the others carry on without it. Hazelcast cannot tell a dead member from an
 * unreachable one, so this is the usual majority rule (as in Hazelcast's split-brain protection and
 * Raft), with a view that follows the cluster as it shrinks and grows rather than a fixed size.
 *
 * <ul>
 *   <li>A view that serves becomes the one to compare with ({@link #known}): after a member dies,
 *       the survivors need a majority of themselves, not of the cluster before it.
 *   <li>A member that announced a graceful leave (a drain) is dropped from {@link #known} at once,
 *       so draining nodes one by one never isolates the last ones.
 *   <li>{@link #accept} takes the current view as it is: the way out when the rest is gone for good
 *       (both nodes of a two-node cluster cannot tell which one died).
 * </ul>
 *
 * Not thread-safe: the {@link ClusterGuard} calls it under its lock.
 */
final class QuorumRule {
  /** The last view that served, oldest member first (Hazelcast's member order). */
  private List<String> known;

  private List<String> current;
  private boolean serving = true;

  /** Members that announced their leave: never counted again (a restarted node has a new id). */
  private final Set<String> departed = new HashSet<>();

  QuorumRule(List<String> firstView) {
    this.known = List.copyOf(firstView);
    this.current = known;
  }

  /** A new view (every member this node sees, itself included, oldest first). */
  boolean viewChanged(List<String> members) {
    current = List.copyOf(members);
    return evaluate();
  }

  /** A member said it leaves for good (a drain): it no longer counts. */
  boolean left(String member) {
    departed.add(member);
    List<String> without = new ArrayList<>(known);
    if (without.remove(member)) {
      known = List.copyOf(without);
    }
    return evaluate();
  }

  /** Serves with the current view from now on, whatever it lacks. */
  void accept() {
    known = current;
    serving = true;
  }

  boolean serving() {
    return serving;
  }

  List<String> known() {
    return known;
  }

  private boolean evaluate() {
    int live = countIn(current, known);
    serving =
        2 * live > known.size()
            || (2 * live == known.size() && !known.isEmpty() && current.contains(known.get(0)));
    if (serving) {
      // Members that joined count from now on; members gone (or going) no longer do.
      LinkedHashSet<String> next = new LinkedHashSet<>(current);
      next.removeAll(departed);
      known = List.copyOf(next);
    }
    return serving;
  }

  private static int countIn(Collection<String> members, Collection<String> of) {
    int n = 0;
    for (String m : members) {
      if (of.contains(m)) {
        n++;
      }
    }
    return n;
  }
}
