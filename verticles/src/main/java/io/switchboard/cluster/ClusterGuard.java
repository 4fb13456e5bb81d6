package io.switchboard.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.switchboard.protocol.Addresses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Whether this node may take publishes and sockets: not while it is isolated from its cluster. A
 * node that was paused (SIGSTOP, a long GC, a frozen VM) or cut off finds on its return that the
 * others removed it and that it sees only itself; until Hazelcast merges it back (cluster.xml's
 * merge delays, a few seconds), what it publishes reaches no one else, and what they publish never
 * reaches its clients. An {@code ok} for such a push would be a lie, so while isolated:
 *
 * <ul>
 *   <li>{@link #serving} is false: the broker fails publishes ({@link ClusterUnavailable}), so
 *       clients get an error reply and the API a 503, never an {@code ok};
 *   <li>the listeners ({@link #onChange}) close the node's sockets with 1012 and refuse new ones,
 *       and {@code /health} answers 503, so clients and load balancers go to the other nodes, where
 *       recovering clients replay what they missed.
 * </ul>
 *
 * Isolation is the minority side of {@link QuorumRule}. A pause is also caught before Hazelcast
 * notices it: a ticker every {@value #TICK_MS} ms; a gap of half the heartbeat timeout means this
 * process was stopped, and publishes are refused until the ticker has run again and the membership
 * had {@value #SETTLE_MS} ms to settle, which is when the return shows up as removed members. A
 * side that stays isolated for {@code acceptAfterMs} takes its smaller view as the cluster (the
 * rest is taken for dead) and serves again. Thread-safe: Hazelcast's event threads write, every
 * event loop reads.
 */
public final class ClusterGuard {
  /** Vert.x's node id, as its Hazelcast cluster manager stores it on each member. */
  private static final String VERTX_NODE_ID = "__vertx.nodeId";

  static final long TICK_MS = 250;
  static final long SETTLE_MS = 3_000;

  private static final System.Logger log = System.getLogger(ClusterGuard.class.getName());

  /** A node that is not clustered: it always serves. */
  public static final ClusterGuard SINGLE_NODE = new ClusterGuard();

  private final Vertx vertx;
  private final String selfId;
  private final long pauseNanos;
  private final long acceptAfterMs;
  private final Runnable countIsolation;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  private QuorumRule rule;
  private volatile boolean quorate = true;
  private volatile long lastTickNanos = System.nanoTime();
  private volatile long settledAtNanos = System.nanoTime();
  private long acceptTimer = -1;

  private record Listener(Context context, Consumer<Boolean> onChange) {}

  private ClusterGuard() {
    this.vertx = null;
    this.selfId = ClusterNodes.LOCAL;
    this.pauseNanos = Long.MAX_VALUE;
    this.acceptAfterMs = 0;
    this.countIsolation = () -> {};
  }

  private ClusterGuard(Vertx vertx, long acceptAfterMs, Runnable countIsolation) {
    this.vertx = vertx;
    this.selfId = ClusterNodes.selfId(vertx);
    HazelcastInstance hz = ClusterNodes.hazelcastInstance(vertx);
    String timeout = hz.getConfig().getProperty("hazelcast.max.no.heartbeat.seconds");
    long heartbeatTimeoutSeconds = timeout == null ? 60 : Long.parseLong(timeout.trim());
    this.pauseNanos = TimeUnit.SECONDS.toNanos(heartbeatTimeoutSeconds) / 2;
    this.acceptAfterMs = acceptAfterMs;
    this.countIsolation = countIsolation;
  }

  /**
   * The guard of a clustered node, watching its Hazelcast membership from now on ({@link
   * #SINGLE_NODE} when {@code vertx} is not clustered). Call on the node's context: the ticker runs
   * there.
   *
   * @param acceptAfterMs how long an isolated side waits for the rest before it serves alone; 0:
   *     for ever
   * @param countIsolation called once per isolation (a metric)
   */
  public static ClusterGuard watch(Vertx vertx, long acceptAfterMs, Runnable countIsolation) {
    if (!vertx.isClustered()) {
      return SINGLE_NODE;
    }
    ClusterGuard guard = new ClusterGuard(vertx, acceptAfterMs, countIsolation);
    guard.start();
    return guard;
  }

  private void start() {
    HazelcastInstance hz = ClusterNodes.hazelcastInstance(vertx);
    synchronized (this) {
      rule = new QuorumRule(ids(hz.getCluster().getMembers()));
    }
    hz.getCluster()
        .addMembershipListener(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent e) {
                viewChanged(ids(e.getMembers()));
              }

              @Override
              public void memberRemoved(MembershipEvent e) {
                viewChanged(ids(e.getMembers()));
              }
            });
    hz.getLifecycleService()
        .addLifecycleListener(
            e -> {
              if (e.getState() == LifecycleEvent.LifecycleState.MERGING) {
                // Hazelcast restarts this member into the other side: nothing here is the cluster's
                // until it is done.
                decided(false, "merging into the rest of the cluster");
              } else if (e.getState() == LifecycleEvent.LifecycleState.MERGED) {
                viewChanged(ids(hz.getCluster().getMembers()));
              }
            });
    vertx
        .eventBus()
        .<String>consumer(
            Addresses.NODE_LEAVING + selfId,
            m -> {
              left(m.body());
              m.reply(null);
            });
    vertx.setPeriodic(TICK_MS, id -> tick());
  }

  /**
   * True while this node may publish: its side has a quorum, and this process has not just come
   * back from a pause. Cheap: read on every publish.
   */
  public boolean serving() {
    if (!quorate) {
      return false;
    }
    long now = System.nanoTime();
    return now - lastTickNanos < pauseNanos && now - settledAtNanos >= 0;
  }

  /**
   * Calls {@code onChange} on {@code context} with false when the node becomes isolated and true
   * when it serves again.
   */
  public void onChange(Context context, Consumer<Boolean> onChange) {
    if (this != SINGLE_NODE) {
      listeners.add(new Listener(context, onChange));
    }
  }

  /**
   * Tells the other nodes that this one leaves for good (a drain), before it goes: completes when
   * each has answered (or failed to within the event bus's timeout), so none of them counts the
   * missing node towards a quorum once Hazelcast reports it gone.
   */
  public Future<Void> leaving() {
    if (this == SINGLE_NODE) {
      return Future.succeededFuture();
    }
    List<String> members;
    try {
      members = ClusterNodes.memberIds(vertx);
    } catch (RuntimeException notActive) {
      // Hazelcast is gone already (terminated, or shut down by a failed merge): nobody to tell.
      return Future.succeededFuture();
    }
    List<Future<?>> told = new ArrayList<>();
    for (String node : members) {
      if (!node.equals(selfId)) {
        told.add(
            vertx
                .eventBus()
                .request(
                    Addresses.NODE_LEAVING + node,
                    selfId,
                    new DeliveryOptions().setSendTimeout(2_000))
                .recover(err -> Future.succeededFuture()));
      }
    }
    return Future.all(told).mapEmpty();
  }

  private void tick() {
    long now = System.nanoTime();
    long gap = now - lastTickNanos;
    if (gap >= pauseNanos) {
      settledAtNanos = now + TimeUnit.MILLISECONDS.toNanos(SETTLE_MS);
      log.log(
          System.Logger.Level.WARNING,
          "This process did not run for "
              + TimeUnit.NANOSECONDS.toMillis(gap)
              + " ms (paused or starved); refusing publishes for "
              + SETTLE_MS
              + " ms while the cluster membership settles");
    }
    lastTickNanos = now;
  }

  private synchronized void viewChanged(List<String> members) {
    decided(rule.viewChanged(members), "sees " + members + " of " + rule.known());
  }

  private synchronized void left(String member) {
    if (!member.equals(selfId)) {
      decided(rule.left(member), member + " left; sees the rest of " + rule.known());
    }
  }

  private synchronized void decided(boolean nowQuorate, String why) {
    if (nowQuorate == quorate) {
      return;
    }
    quorate = nowQuorate;
    if (nowQuorate) {
      cancelAcceptTimer();
      log.log(System.Logger.Level.INFO, "Serving again: this node " + why);
    } else {
      countIsolation.run();
      log.log(
          System.Logger.Level.WARNING,
          "Isolated from the cluster: this node "
              + why
              + ". Refusing publishes and sockets until it is whole again");
      if (acceptAfterMs > 0) {
        acceptTimer = vertx.setTimer(acceptAfterMs, id -> acceptSmallerView());
      }
    }
    for (Listener l : listeners) {
      l.context().runOnContext(v -> l.onChange().accept(nowQuorate));
    }
  }

  private synchronized void acceptSmallerView() {
    acceptTimer = -1;
    if (!quorate) {
      rule.accept();
      decided(true, "waited " + acceptAfterMs + " ms; the missing members are taken for dead");
    }
  }

  private void cancelAcceptTimer() {
    if (acceptTimer >= 0) {
      vertx.cancelTimer(acceptTimer);
      acceptTimer = -1;
    }
  }

  private static List<String> ids(java.util.Collection<Member> members) {
    List<String> ids = new ArrayList<>(members.size());
    for (Member m : members) {
      String id = m.getAttribute(VERTX_NODE_ID);
      ids.add(id != null ? id : m.getUuid().toString());
    }
    return ids;
  }
}
