package io.switchboard.broker;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.metrics.SwitchboardMeters;

/** The contract on a single node: no cluster link. */
class LocalBrokerTest extends BrokerContract {
  private final LocalBroker broker =
      new LocalBroker(ClusterLink.NONE, new SwitchboardMeters(new SimpleMeterRegistry()));

  @Override
  protected Broker broker() {
    return broker;
  }
}
