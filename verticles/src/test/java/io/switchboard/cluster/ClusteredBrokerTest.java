package io.switchboard.cluster;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.broker.Broker;
import io.switchboard.broker.BrokerContract;
import io.switchboard.broker.ClusteredBroker;
import io.switchboard.broker.LocalBroker;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.support.TestNode;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** The broker contract, against the clustered broker on a real (one-member) Hazelcast cluster on loopback. */
@Tag("cluster")
class ClusteredBrokerTest extends BrokerContract {
  static TestNode node;
  static ClusteredBroker broker;

  @BeforeAll
  static void start() {
    node = TestNode.startClustered("contract-" + java.util.UUID.randomUUID(), c -> { });
    Vertx vertx = node.vertx;
    broker = new ClusteredBroker(new LocalBroker(), vertx.eventBus(), new SwitchboardMeters(new SimpleMeterRegistry()));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Override
  protected Broker broker() {
    return broker;
  }
}
