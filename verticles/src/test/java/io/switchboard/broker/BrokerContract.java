package io.switchboard.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.switchboard.support.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The {@link Broker} contract. Each test extends this and supplies the broker under test (a single
 * node's, or a node's in a cluster); where there is another node, {@link #peer()} gives its broker
 * and the cross-node cases run.
 */
public abstract class BrokerContract {

  protected abstract Broker broker();

  /** The broker of another node in the same cluster, or null on a single node. */
  protected Broker peer() {
    return null;
  }

  /**
   * The Vert.x whose event loops call the broker (a clustered node's own), or null: the contract
   * then makes one of its own where it needs event loops.
   */
  protected Vertx vertx() {
    return null;
  }

  /** Records what a sink received; the publisher thread calls it directly for a local broker. */
  public static final class RecordingSink implements BroadcastSink {
    public final List<EncodedFrame> frames = new CopyOnWriteArrayList<>();

    @Override
    public void deliver(String topic, EncodedFrame frame) {
      frames.add(frame);
    }

    public List<String> events() {
      return frames.stream().map(f -> new JsonArray(f.bytes()).getString(3)).toList();
    }
  }

  private static Buffer json(String s) {
    return Buffer.buffer(s);
  }

  @Test
  void subscribedSinkReceivesTheEncodedBroadcast() {
    RecordingSink sink = new RecordingSink();
    Await.result(broker().subscribe("t:1", sink));
    broker().publish("t:1", "ev", json("{\"a\":1}"), false);
    Await.until("delivery", () -> sink.frames.size() == 1);
    assertEquals("[null,null,\"t:1\",\"ev\",{\"a\":1}]", sink.frames.get(0).bytes().toString());
  }

  @Test
  void everySinkGetsTheSameFrameEncodedOnce() {
    RecordingSink a = new RecordingSink();
    RecordingSink b = new RecordingSink();
    Await.result(broker().subscribe("t:2", a));
    Await.result(broker().subscribe("t:2", b));
    broker().publish("t:2", "ev", json("{}"), false);
    Await.until("both deliveries", () -> a.frames.size() == 1 && b.frames.size() == 1);
    assertSame(a.frames.get(0), b.frames.get(0), "one encoding shared by all sinks");
  }

  @Test
  void subscribingTwiceDeliversOnce() {
    RecordingSink sink = new RecordingSink();
    Await.result(broker().subscribe("t:3", sink));
    Await.result(broker().subscribe("t:3", sink));
    broker().publish("t:3", "first", json("{}"), false);
    broker().publish("t:3", "second", json("{}"), false);
    Await.until("two deliveries", () -> sink.frames.size() >= 2);
    assertEquals(List.of("first", "second"), sink.events());
  }

  @Test
  void publishOrderIsKeptPerTopic() {
    RecordingSink sink = new RecordingSink();
    Await.result(broker().subscribe("t:4", sink));
    for (int i = 0; i < 200; i++) {
      broker().publish("t:4", "e" + i, json("{}"), false);
    }
    Await.until("200 deliveries", () -> sink.frames.size() == 200);
    for (int i = 0; i < 200; i++) {
      assertEquals("e" + i, sink.events().get(i));
    }
  }

  @Test
  void unsubscribedSinkReceivesNothingMore() {
    RecordingSink gone = new RecordingSink();
    RecordingSink stays = new RecordingSink();
    Await.result(broker().subscribe("t:5", gone));
    Await.result(broker().subscribe("t:5", stays));
    broker().unsubscribe("t:5", gone);
    broker().publish("t:5", "after", json("{}"), false);
    Await.until("delivery to the remaining sink", () -> stays.frames.size() == 1);
    assertTrue(gone.frames.isEmpty());
  }

  @Test
  void otherTopicsAreNotDelivered() {
    RecordingSink sink = new RecordingSink();
    Await.result(broker().subscribe("t:6", sink));
    broker().publish("t:other", "x", json("{}"), false);
    broker().publish("t:6", "mine", json("{}"), false);
    Await.until("delivery", () -> sink.frames.size() == 1);
    assertEquals(List.of("mine"), sink.events());
  }

  @Test
  void binaryBroadcastsAreEncodedAsKindTwo() {
    RecordingSink sink = new RecordingSink();
    Await.result(broker().subscribe("t:7", sink));
    broker().publish("t:7", "b", Buffer.buffer(new byte[] {1, 2}), true);
    Await.until("delivery", () -> sink.frames.size() == 1);
    EncodedFrame f = sink.frames.get(0);
    assertTrue(f.binary());
    assertEquals(Buffer.buffer(new byte[] {2, 3, 1, 't', ':', '7', 'b', 1, 2}), f.bytes());
  }

  @Test
  void eachSubscribeIsOneMemberUntilItsUnsubscribe() {
    RecordingSink sink = new RecordingSink();
    RecordingSink other = new RecordingSink();
    Await.result(broker().subscribe("t:members", sink));
    Await.result(broker().subscribe("t:members", sink));
    Await.result(broker().subscribe("t:members", other));
    assertEquals(3, broker().members("t:members"));
    broker().unsubscribe("t:members", sink);
    assertEquals(2, broker().members("t:members"));
    broker().publish("t:members", "still", json("{}"), false);
    Await.until(
        "delivery to both sinks", () -> sink.frames.size() == 1 && other.frames.size() == 1);
    broker().unsubscribe("t:members", sink);
    broker().unsubscribe("t:members", other);
    assertEquals(0, broker().members("t:members"));
    broker().unsubscribe("t:members", other); // one too many: nothing breaks, nothing goes negative
    assertEquals(0, broker().members("t:members"));
  }

  @Test
  void aBroadcastFromAnotherNodeArrivesOnceAndInOrder() {
    assumeTrue(peer() != null, "a single node has no other node");
    RecordingSink here = new RecordingSink();
    Await.result(broker().subscribe("t:cross", here));
    awaitRoute(peer(), "t:cross", here);
    here.frames.clear();
    for (int i = 0; i < 50; i++) {
      peer().publish("t:cross", "c" + i, json("{}"), false);
    }
    Await.until("50 deliveries from the other node", () -> here.frames.size() >= 50);
    for (int i = 0; i < 50; i++) {
      assertEquals("c" + i, here.events().get(i));
    }
    // Exactly once: a marker published after them is the only thing that follows.
    peer().publish("t:cross", "end", json("{}"), false);
    Await.until("the marker", () -> here.events().contains("end"));
    assertEquals(51, here.frames.size());
  }

  /**
   * Publishes probes from {@code from} until {@code to} has one: another node learns of a
   * registration asynchronously (the Broker javadoc's registration window). Probe events are unique
   * per call.
   */
  protected static void awaitRoute(Broker from, String topic, RecordingSink to) {
    String call = "probe-" + java.util.UUID.randomUUID() + "-";
    int[] n = {0};
    Await.until(
        "publishes on " + topic + " reach the other node",
        () -> {
          from.publish(topic, call + n[0]++, json("{}"), false);
          return to.events().stream().anyMatch(e -> e.startsWith(call));
        });
    // The route stays: the last probe, possibly still on its way, arrives too; then nothing more is
    // in flight.
    String last = call + (n[0] - 1);
    Await.until("the last probe on " + topic, () -> to.events().contains(last));
  }

  /**
   * Sockets on every event loop of a node join the same topic; the topic's registration is started
   * by whichever loop came first, and Vert.x runs a future's callbacks on the context that made it,
   * even once it is complete. A join continued on another loop wrote its reply from there, racing
   * that loop's flush coalescing: replies sat unflushed until the socket's next heartbeat (p99 18 s
   * in a 2,000-socket storm on three nodes), and one never left.
   */
  @Test
  void subscribeCallsBackOnTheCallersEventLoopWhoeverRegisteredTheTopic() {
    Vertx own = vertx() == null ? Vertx.vertx() : null;
    Vertx v = own != null ? own : vertx();
    try {
      Context first = ((VertxInternal) v).createEventLoopContext();
      Context other = ((VertxInternal) v).createEventLoopContext();
      Thread firstThread = threadOf(first);
      Thread otherThread = threadOf(other);
      assertNotSame(firstThread, otherThread, "two event loops to call from");
      RecordingSink a = new RecordingSink();
      RecordingSink b = new RecordingSink();
      // The topic's first member, on one loop; then, with its registration complete, another's.
      assertSame(firstThread, Await.result(subscribeOn(first, "t:loops", a)));
      assertSame(otherThread, Await.result(subscribeOn(other, "t:loops", b)));
      // Both at once on a fresh topic: the second likely finds the registration still pending.
      Future<Thread> x = subscribeOn(first, "t:loops-2", a);
      Future<Thread> y = subscribeOn(other, "t:loops-2", b);
      assertSame(firstThread, Await.result(x));
      assertSame(otherThread, Await.result(y));
      broker().unsubscribe("t:loops", a);
      broker().unsubscribe("t:loops", b);
      broker().unsubscribe("t:loops-2", a);
      broker().unsubscribe("t:loops-2", b);
    } finally {
      if (own != null) {
        Await.result(own.close());
      }
    }
  }

  private static Thread threadOf(Context context) {
    Promise<Thread> p = Promise.promise();
    context.runOnContext(v -> p.complete(Thread.currentThread()));
    return Await.result(p.future());
  }

  /** Subscribes from {@code context}; completes with the thread the subscribe called back on. */
  private Future<Thread> subscribeOn(Context context, String topic, BroadcastSink sink) {
    Promise<Thread> p = Promise.promise();
    context.runOnContext(
        v ->
            broker()
                .subscribe(topic, sink)
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        p.complete(Thread.currentThread());
                      } else {
                        p.fail(ar.cause());
                      }
                    }));
    return p.future();
  }

  @Test
  void topicCountFollowsSubscriptions() {
    int before = broker().topicCount();
    RecordingSink sink = new RecordingSink();
    Await.result(broker().subscribe("t:count", sink));
    assertEquals(before + 1, broker().topicCount());
    broker().unsubscribe("t:count", sink);
    assertEquals(before, broker().topicCount());
  }
}
