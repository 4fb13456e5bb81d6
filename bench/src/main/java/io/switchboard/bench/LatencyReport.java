package io.switchboard.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/** Delivery latency in microseconds (1 µs .. 5 min, 3 significant digits), single-threaded. */
final class LatencyReport {
  private static final long HIGHEST_MICROS = 300_000_000L;
  private final Histogram histogram = new Histogram(HIGHEST_MICROS, 3);

  void recordNanos(long nanos) {
    long micros = nanos / 1000;
    histogram.recordValue(micros < 0 ? 0 : Math.min(micros, HIGHEST_MICROS));
  }

  long count() {
    return histogram.getTotalCount();
  }

  double percentileMillis(double p) {
    return histogram.getValueAtPercentile(p) / 1000.0;
  }

  double maxMillis() {
    return histogram.getMaxValue() / 1000.0;
  }

  /** p50/p90/p99/p99.9/max in milliseconds. */
  JsonObject toJson() {
    return new JsonObject()
        .put("p50Ms", percentileMillis(50))
        .put("p90Ms", percentileMillis(90))
        .put("p99Ms", percentileMillis(99))
        .put("p999Ms", percentileMillis(99.9))
        .put("maxMs", maxMillis());
  }

  String summary() {
    return String.format(
        "latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (n=%d)",
        percentileMillis(50),
        percentileMillis(90),
        percentileMillis(99),
        percentileMillis(99.9),
        maxMillis(),
        count());
  }
}
