package io.switchboard.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** History and recovery meters ({@code switchboard_history_*}). */
public final class HistoryMeters {
  private final Counter appends;
  private final Counter recovered;
  private final Counter notRecovered;
  private final Counter replayed;
  private final Counter gapFills;
  private final Counter gapLost;
  private final Counter duplicates;

  HistoryMeters(MeterRegistry registry) {
    appends =
        Counter.builder(MetricNames.HISTORY_APPENDS)
            .description("Broadcasts appended to a topic's history")
            .register(registry);
    recovered = recoveries(registry, "true");
    notRecovered = recoveries(registry, "false");
    replayed =
        Counter.builder(MetricNames.HISTORY_REPLAYED)
            .description("Broadcasts sent to recovering joins from the history")
            .register(registry);
    gapFills =
        Counter.builder(MetricNames.HISTORY_GAP_FILLS)
            .description("Reads of the history for broadcasts that did not reach this node in time")
            .register(registry);
    gapLost =
        Counter.builder(MetricNames.HISTORY_GAP_LOST)
            .description(
                "Broadcasts this node's subscribers never got live: no longer kept when missed")
            .register(registry);
    duplicates =
        Counter.builder(MetricNames.HISTORY_IDEMPOTENT_DUPLICATES)
            .description(
                "Publishes that repeated an idempotency_key within the window: nothing published")
            .register(registry);
  }

  private static Counter recoveries(MeterRegistry registry, String value) {
    return Counter.builder(MetricNames.HISTORY_RECOVERIES)
        .tag("recovered", value)
        .description("Joins that asked to recover, by whether they did")
        .register(registry);
  }

  public void appended() {
    appends.increment();
  }

  public void recovery(boolean done, int replayedCount) {
    (done ? recovered : notRecovered).increment();
    replayed.increment(replayedCount);
  }

  public void gapFill() {
    gapFills.increment();
  }

  public void gapLost(int count) {
    gapLost.increment(count);
  }

  /** A repeat was dropped (once per publish call, however often Hazelcast ran it). */
  public void duplicate() {
    duplicates.increment();
  }
}
