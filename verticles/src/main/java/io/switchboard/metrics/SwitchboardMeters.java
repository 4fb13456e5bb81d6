package io.switchboard.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.broker.Broker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's meters, created once and shared by every verticle instance. Recording is lock-free (adders);
 * deliveries are counted once per broadcast per event loop ({@code increment(n)}), never once per subscriber.
 */
public final class SwitchboardMeters {
  private final MeterRegistry registry;
  private final AtomicLong connections = new AtomicLong();
  private final Counter messagesIn;
  private final Counter messagesOut;
  private final Counter broadcasts;
  private final Timer messageDuration;
  private final Counter clusterPublished;
  private final Counter clusterReceived;

  public SwitchboardMeters(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder(MetricNames.CONNECTIONS, connections, AtomicLong::get)
        .description("Open Phoenix WebSocket connections").register(registry);
    clusterPublished = Counter.builder(MetricNames.CLUSTER_PUBLISHED)
        .description("Broadcasts published to the cluster (one clustered publish each)").register(registry);
    clusterReceived = Counter.builder(MetricNames.CLUSTER_RECEIVED)
        .description("Broadcasts received from other nodes").register(registry);
    messagesIn = Counter.builder(MetricNames.MESSAGES).tag(MetricNames.TAG_DIRECTION, "in")
        .description("WebSocket messages received from or written to clients").register(registry);
    messagesOut = Counter.builder(MetricNames.MESSAGES).tag(MetricNames.TAG_DIRECTION, "out")
        .description("WebSocket messages received from or written to clients").register(registry);
    broadcasts = Counter.builder(MetricNames.BROADCASTS)
        .description("Broadcasts published on this node").register(registry);
    messageDuration = Timer.builder(MetricNames.MESSAGE_DURATION)
        .description("Handling time of one inbound WebSocket message, receipt to reply")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(10_000))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
  }

  private Broker broker;

  /** Exposes the broker's topic count; called once the broker exists. */
  public void watch(Broker broker) {
    this.broker = broker;
    Gauge.builder(MetricNames.TOPICS, broker, Broker::topicCount)
        .description("Topics with subscribers on this node").register(registry);
  }

  public void clusterPublished() {
    clusterPublished.increment();
  }

  public void clusterReceived() {
    clusterReceived.increment();
  }

  public MeterRegistry registry() {
    return registry;
  }

  public long connections() {
    return connections.get();
  }

  public int topics() {
    return broker == null ? 0 : broker.topicCount();
  }

  public void connectionOpened() {
    connections.incrementAndGet();
  }

  public void connectionClosed() {
    connections.decrementAndGet();
  }

  public void received() {
    messagesIn.increment();
  }

  public void sent(int messages) {
    messagesOut.increment(messages);
  }

  public void broadcast() {
    broadcasts.increment();
  }

  public void handled(long nanos) {
    messageDuration.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  public void rejected(String reason) {
    registry.counter(MetricNames.REJECTED_CONNECTIONS, "reason", reason).increment();
  }

  public void serverClosed(short code) {
    registry.counter(MetricNames.SERVER_CLOSES, "code", Short.toString(code)).increment();
  }
}
