package io.switchboard.bench;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Whether a soak's resources stayed flat: per measure, the least-squares slope over the samples
 * after the first, and the rise it fits over the run against a tolerance. A leak shows as a steady
 * rise; noise (a GC's timing, sockets in mid-cycle at the sampling instant) does not fit a line.
 * Tolerances, for the rise over the whole run: live heap 5% of its first measured value or 8 MB,
 * RSS 10% or 32 MB (the JVM keeps what it committed), descriptors 2% of the sockets or 20, threads
 * 4.
 */
record SoakTrend(List<Measure> measures) {
  record Sample(double minutes, long rssKb, long heapKb, long fds, long threads) {}

  record Measure(
      String name,
      String unit,
      double first,
      double slopePerMinute,
      double rise,
      double tolerance) {
    boolean flat() {
      return rise <= tolerance;
    }

    JsonObject toJson() {
      return new JsonObject()
          .put("first", first)
          .put("slopePerMinute", slopePerMinute)
          .put("rise", rise)
          .put("tolerance", tolerance)
          .put("flat", flat());
    }
  }

  static SoakTrend of(List<Sample> samples, int sockets) {
    if (samples.size() < 3) {
      throw new IllegalArgumentException("a trend needs at least 3 samples, got " + samples.size());
    }
    List<Sample> settled = samples.subList(1, samples.size());
    return new SoakTrend(
        List.of(
            measure(
                "live heap",
                "KB",
                settled,
                s -> s.heapKb(),
                first -> Math.max(0.05 * first, 8 * 1024)),
            measure(
                "RSS", "KB", settled, s -> s.rssKb(), first -> Math.max(0.10 * first, 32 * 1024)),
            measure(
                "descriptors", "", settled, s -> s.fds(), first -> Math.max(0.02 * sockets, 20)),
            measure("threads", "", settled, s -> s.threads(), first -> 4)));
  }

  private static Measure measure(
      String name,
      String unit,
      List<Sample> samples,
      ToDoubleFunction<Sample> value,
      java.util.function.DoubleUnaryOperator tolerance) {
    int n = samples.size();
    double mx = 0;
    double my = 0;
    for (Sample s : samples) {
      mx += s.minutes();
      my += value.applyAsDouble(s);
    }
    mx /= n;
    my /= n;
    double sxy = 0;
    double sxx = 0;
    for (Sample s : samples) {
      double dx = s.minutes() - mx;
      sxy += dx * (value.applyAsDouble(s) - my);
      sxx += dx * dx;
    }
    double slope = sxx == 0 ? 0 : sxy / sxx;
    double span = samples.get(n - 1).minutes() - samples.get(0).minutes();
    double first = value.applyAsDouble(samples.get(0));
    return new Measure(name, unit, first, slope, slope * span, tolerance.applyAsDouble(first));
  }

  boolean flat() {
    return measures.stream().allMatch(Measure::flat);
  }

  JsonObject toJson() {
    JsonObject o = new JsonObject();
    measures.forEach(m -> o.put(m.name(), m.toJson()));
    return o;
  }

  String summary() {
    StringBuilder b = new StringBuilder();
    for (Measure m : measures) {
      b.append(
          String.format(
              "%-12s first %,.0f %s, slope %+,.1f %s/min, fitted rise over the run %+,.0f (tolerance %,.0f): %s%n",
              m.name(),
              m.first(),
              m.unit(),
              m.slopePerMinute(),
              m.unit(),
              m.rise(),
              m.tolerance(),
              m.flat() ? "flat" : "RISING"));
    }
    return b.toString();
  }
}
