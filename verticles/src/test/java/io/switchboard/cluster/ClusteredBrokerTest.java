package io.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.broker.Broker;
import io.switchboard.broker.BrokerContract;
import io.switchboard.broker.EventBusClusterLink;
import io.switchboard.broker.LocalBroker;
import io.switchboard.metrics.MetricNames;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.support.Await;
import io.switchboard.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The broker contract against the clustered broker on a real Hazelcast cluster on loopback, plus
 * what only a cluster shows: delivery to another node, no echo of a node's own publish, and no
 * cluster traffic to a node after its last local subscriber left.
 */
@Tag("cluster")
class ClusteredBrokerTest extends BrokerContract {
  static TestNode nodeA;
  static TestNode nodeB;
  static Broker brokerA;
  static Broker brokerB;
  static SimpleMeterRegistry metersB = new SimpleMeterRegistry();

  @BeforeAll
  static void start() {
    String name = "contract-" + java.util.UUID.randomUUID();
    nodeA = TestNode.startClustered(name, c -> {});
    nodeB = TestNode.startClustered(name, c -> {});
    SwitchboardMeters a = new SwitchboardMeters(new SimpleMeterRegistry());
    SwitchboardMeters b = new SwitchboardMeters(metersB);
    brokerA = new LocalBroker(new EventBusClusterLink(nodeA.vertx.eventBus(), a), a);
    brokerB = new LocalBroker(new EventBusClusterLink(nodeB.vertx.eventBus(), b), b);
  }

  @AfterAll
  static void stop() {
    nodeB.close();
    nodeA.close();
  }

  @Override
  protected Broker broker() {
    return brokerA;
  }

  @Override
  protected Broker peer() {
    return brokerB;
  }

  @Override
  protected Vertx vertx() {
    return nodeA.vertx;
  }

  static double receivedOnB() {
    return metersB.get(MetricNames.CLUSTER_RECEIVED).counter().count();
  }

  @Test
  void aPublishReachesOtherNodesOnceAndItsOwnNodeOnlyLocally() {
    RecordingSink onA = new RecordingSink();
    RecordingSink onB = new RecordingSink();
    Await.result(brokerA.subscribe("x:both", onA));
    Await.result(brokerB.subscribe("x:both", onB));
    awaitRoute(brokerA, "x:both", onB);
    awaitRoute(brokerB, "x:both", onA);
    onA.frames.clear();
    onB.frames.clear();

    brokerA.publish("x:both", "one", Buffer.buffer("{}"), false);
    brokerA.publish("x:both", "two", Buffer.buffer("{}"), false);
    Await.until("B has both", () -> onB.frames.size() >= 2);
    // B's reply crosses the cluster after A's local echo of "two" would have been queued on A.
    brokerB.publish("x:both", "from-b", Buffer.buffer("{}"), false);
    Await.until("A has B's publish", () -> onA.events().contains("from-b"));
    assertEquals(
        List.of("one", "two", "from-b"),
        onA.events(),
        "A got its own publish back from the cluster");
    assertEquals(List.of("one", "two", "from-b"), onB.events());
  }

  @Test
  void afterTheLastLocalLeaveANodeGetsNoMoreClusterMessagesForTheTopic() {
    RecordingSink gone = new RecordingSink();
    RecordingSink marker = new RecordingSink();
    Await.result(brokerB.subscribe("x:left", gone));
    Await.result(brokerB.subscribe("x:marker", marker));
    awaitRoute(brokerA, "x:left", gone);
    awaitRoute(brokerA, "x:marker", marker);
    brokerB.unsubscribe("x:left", gone);
    // The removal reaches A's cache asynchronously too. A then publishes x:left and a marker;
    // A-to-B messages are ordered, so once the marker is in, B has counted everything before it:
    // the marker alone, once converged. Without the unregister on the last leave every round costs
    // B two messages and this never holds.
    int[] round = {0};
    Await.until(
        "x:left no longer reaches B",
        () -> {
          String m = "marker-" + round[0]++;
          double before = receivedOnB();
          brokerA.publish("x:left", "after", Buffer.buffer("{}"), false);
          brokerA.publish("x:marker", m, Buffer.buffer("{}"), false);
          Await.until("the marker " + m, () -> marker.events().contains(m));
          return receivedOnB() == before + 1;
        });
    assertEquals(List.of(), gone.events().stream().filter(e -> !e.startsWith("probe-")).toList());
  }
}
