package io.switchboard.presence;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.query.Predicates;
import io.switchboard.protocol.Addresses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Presences in the cluster: one entry per joined socket in the {@code switchboard.presence}
 * Hazelcast map (one backup, cluster.xml), keyed by presence id. Hazelcast keeps each key's events
 * in order, and an entry listener on every member is the feed; a member's own writes come back
 * through it like everyone else's. When Hazelcast removes a member (a crash: within its heartbeat
 * timeout, {@code hazelcast.max.no.heartbeat.seconds}), every survivor removes the member's
 * presences; removing them twice is harmless.
 */
final class HazelcastPresenceStore implements PresenceStore {
  private static final System.Logger log = System.getLogger(HazelcastPresenceStore.class.getName());

  private final HazelcastInstance hazelcast;
  private final IMap<String, HazelcastJsonValue> map;
  private final String self;
  private Context context;
  private UUID entryListener;
  private UUID membershipListener;

  /** Until the stored presences were fed, changes wait here (touched on the feed's context). */
  private List<Change> early = new ArrayList<>();

  private Consumer<Change> feed;

  HazelcastPresenceStore(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
    this.map = hazelcast.getMap(Addresses.PRESENCE_MAP);
    this.self = hazelcast.getCluster().getLocalMember().getUuid().toString();
  }

  @Override
  public String selfNode() {
    return self;
  }

  @Override
  public Future<Void> start(Context context, Consumer<Change> feed) {
    this.context = context;
    this.feed = feed;
    return context
        .executeBlocking(
            () -> {
              // Listen first, then read: a change made in between is both read and fed, which
              // the tracker's view absorbs (a put is a put).
              entryListener = map.addEntryListener(new Listener(), true);
              membershipListener = hazelcast.getCluster().addMembershipListener(new Members());
              removeDeparted();
              List<Change> stored = new ArrayList<>();
              for (Map.Entry<String, HazelcastJsonValue> e : map.entrySet()) {
                stored.add(new Change(e.getKey(), null, decode(e.getKey(), e.getValue())));
              }
              return stored;
            })
        .map(
            stored -> {
              stored.forEach(feed);
              early.forEach(feed);
              early = null;
              return null;
            });
  }

  /**
   * Presences of members no longer in the cluster: left by a member that died while no other member
   * could clean up after it (or while this one was starting).
   */
  private void removeDeparted() {
    List<String> members =
        hazelcast.getCluster().getMembers().stream().map(m -> m.getUuid().toString()).toList();
    map.removeAll(Predicates.not(Predicates.in("n", members.toArray(String[]::new))));
  }

  private void fed(Change change) {
    context.runOnContext(
        v -> {
          if (early != null) {
            early.add(change);
          } else if (feed != null) {
            feed.accept(change);
          }
        });
  }

  @Override
  public Future<Void> put(PresenceEntry entry) {
    return Future.fromCompletionStage(
        map.setAsync(entry.id(), new HazelcastJsonValue(entry.toJson().encode())), context);
  }

  @Override
  public Future<Void> remove(String id) {
    return Future.fromCompletionStage(map.removeAsync(id), context).mapEmpty();
  }

  @Override
  public Future<Void> removeNode(String node) {
    return context.executeBlocking(
        () -> {
          map.removeAll(Predicates.equal("n", node));
          return null;
        });
  }

  @Override
  public Future<Void> close() {
    feed = null;
    return context.executeBlocking(
        () -> {
          if (entryListener != null) {
            map.removeEntryListener(entryListener);
          }
          if (membershipListener != null) {
            hazelcast.getCluster().removeMembershipListener(membershipListener);
          }
          return null;
        });
  }

  private static PresenceEntry decode(String id, HazelcastJsonValue value) {
    return PresenceEntry.fromJson(id, new JsonObject(value.getValue()));
  }

  /** Hazelcast's event threads: each change hops onto the feed's context, in order per key. */
  private final class Listener
      implements EntryAddedListener<String, HazelcastJsonValue>,
          EntryUpdatedListener<String, HazelcastJsonValue>,
          EntryRemovedListener<String, HazelcastJsonValue>,
          EntryExpiredListener<String, HazelcastJsonValue>,
          EntryEvictedListener<String, HazelcastJsonValue> {

    @Override
    public void entryAdded(EntryEvent<String, HazelcastJsonValue> e) {
      fed(new Change(e.getKey(), null, decode(e.getKey(), e.getValue())));
    }

    @Override
    public void entryUpdated(EntryEvent<String, HazelcastJsonValue> e) {
      fed(
          new Change(
              e.getKey(), decode(e.getKey(), e.getOldValue()), decode(e.getKey(), e.getValue())));
    }

    @Override
    public void entryRemoved(EntryEvent<String, HazelcastJsonValue> e) {
      left(e);
    }

    @Override
    public void entryExpired(EntryEvent<String, HazelcastJsonValue> e) {
      left(e);
    }

    @Override
    public void entryEvicted(EntryEvent<String, HazelcastJsonValue> e) {
      left(e);
    }

    private void left(EntryEvent<String, HazelcastJsonValue> e) {
      HazelcastJsonValue old = e.getOldValue();
      fed(new Change(e.getKey(), old == null ? null : decode(e.getKey(), old), null));
    }
  }

  private final class Members implements MembershipListener {
    @Override
    public void memberAdded(MembershipEvent e) {}

    @Override
    public void memberRemoved(MembershipEvent e) {
      String gone = e.getMember().getUuid().toString();
      removeNode(gone)
          .onFailure(
              err ->
                  log.log(
                      System.Logger.Level.WARNING,
                      "Could not remove the presences of departed member " + gone,
                      err));
    }
  }
}
