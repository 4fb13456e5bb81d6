package io.switchboard.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.switchboard.support.Await;
import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link PresenceStore} contract (its javadoc): what the tracker relies on, for the local store
 * and the Hazelcast one. Each test works on its own topic, so feeds shared with other tests (the
 * Hazelcast map is the cluster's) are filtered by topic.
 */
abstract class PresenceStoreContract {

  /** A new store, not started. */
  protected abstract PresenceStore newStore();

  protected abstract Context context();

  /** A node id other than the store's own that the store accepts presences of. */
  protected abstract String otherNode();

  /** Stores started by the tests; closed after each. */
  protected final List<PresenceStore> opened = new ArrayList<>();

  @AfterEach
  void closeStores() {
    opened.forEach(s -> Await.result(s.close()));
    opened.clear();
  }

  /** One store's feed, for one topic. */
  static final class Feed {
    final String topic;
    final LinkedBlockingQueue<PresenceStore.Change> changes = new LinkedBlockingQueue<>();

    Feed(String topic) {
      this.topic = topic;
    }

    void accept(PresenceStore.Change c) {
      if (c.topic().equals(topic)) {
        changes.add(c);
      }
    }

    PresenceStore.Change next() {
      try {
        PresenceStore.Change c = changes.poll(20, TimeUnit.SECONDS);
        assertNotNull(c, "no change on " + topic + " within 20 s");
        return c;
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  PresenceStore started(Feed feed) {
    PresenceStore store = newStore();
    opened.add(store);
    Await.result(store.start(context(), feed::accept), Duration.ofSeconds(30));
    return store;
  }

  static String topic() {
    return "presence:contract-" + UUID.randomUUID();
  }

  static PresenceEntry entry(String topic, String key, String node) {
    String id = UUID.randomUUID().toString();
    return new PresenceEntry(
        id, topic, key, node, id + "-r1", null, new JsonObject().put("online_at", 1));
  }

  @Test
  void aPresencesJoinUpdateAndLeaveAreFedInOrder() {
    Feed feed = new Feed(topic());
    PresenceStore store = started(feed);
    PresenceEntry e = entry(feed.topic, "alice", store.selfNode());
    PresenceEntry updated = e.updated(e.id() + "-r2", new JsonObject().put("online_at", 2));
    Await.result(store.put(e));
    Await.result(store.put(updated));
    Await.result(store.remove(e.id()));

    PresenceStore.Change join = feed.next();
    assertNull(join.before());
    assertEquals(e, join.after());
    PresenceStore.Change update = feed.next();
    assertEquals(e, update.before());
    assertEquals(updated, update.after());
    PresenceStore.Change leave = feed.next();
    assertEquals(updated, leave.before());
    assertNull(leave.after());
  }

  @Test
  void removingANodeRemovesItsPresencesAndOnlyThose() {
    Feed feed = new Feed(topic());
    PresenceStore store = started(feed);
    PresenceEntry mine = entry(feed.topic, "carol", store.selfNode());
    PresenceEntry theirs = entry(feed.topic, "dave", otherNode());
    Await.result(store.put(mine));
    Await.result(store.put(theirs));
    feed.next();
    feed.next();

    Await.result(store.removeNode(otherNode()));
    PresenceStore.Change leave = feed.next();
    assertEquals(theirs, leave.before());
    assertNull(leave.after());
    Await.result(store.remove(mine.id()));
    assertEquals(mine, feed.next().before(), "the next change is mine leaving: theirs left once");
  }
}
