package io.switchboard.broker;

class LocalBrokerTest extends BrokerContract {
  private final LocalBroker broker = new LocalBroker();

  @Override
  protected Broker broker() {
    return broker;
  }
}
