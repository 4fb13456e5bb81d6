package io.switchboard.metrics;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Drops Micrometer's "This Gauge has been already registered" log records for Vert.x's own gauges,
 * and only those.
 *
 * <p>Why they come: Vert.x Micrometer Metrics (5.0.x) backs each of its gauges ({@code
 * vertx.eventbus.handlers}, {@code vertx.eventbus.pending}, {@code vertx.http.server.active.*},
 * {@code vertx.pool.*}, ...) with one {@code LongAdder} per meter id, and its {@code
 * LongGaugeBuilder.register} registers the {@code Gauge} again every time it needs the adder: each
 * event-bus consumer registered, each message received, each connection and request. Since
 * Micrometer 1.13 a gauge registered twice logs a WARNING the first time in the JVM (then at debug
 * level). So the first start-up consumers log it, whichever gauge comes first. The second
 * registration is ignored and the gauge keeps reading the shared adder: the values are right
 * (vert-x3/vertx-micrometer-metrics#259, documented by Vert.x as harmless). Denying the meters
 * would lose them, and the warning cannot be avoided by registering differently: it is emitted on
 * every re-registration of an existing gauge.
 *
 * <p>Micrometer logs through java.util.logging here (no SLF4J on the classpath). Records about
 * other gauges (ours) still pass. Caveat: Micrometer's warn-once flag is spent on the first
 * (dropped) Vert.x record, so a later double registration of one of ours is logged at debug level
 * only.
 */
public final class VertxGaugeWarning {
  /** The logger of Micrometer's {@code MeterRegistry} (its {@code WarnThenDebugLogger}). */
  public static final String LOGGER = "io.micrometer.core.instrument.MeterRegistry";

  static final String PREFIX = "This Gauge has been already registered (MeterId{name='vertx.";
  // JUL holds loggers weakly: a filter set on one nobody references could be lost with it.
  private static final Logger logger = Logger.getLogger(LOGGER);

  private VertxGaugeWarning() {}

  /** Installs the filter once per JVM, keeping any filter already set for the other records. */
  public static synchronized void silence() {
    Filter previous = logger.getFilter();
    if (previous instanceof Silencer) {
      return;
    }
    logger.setFilter(new Silencer(previous));
  }

  static boolean isVertxGaugeReRegistration(LogRecord record) {
    String message = record.getMessage();
    return message != null && message.startsWith(PREFIX);
  }

  private record Silencer(Filter previous) implements Filter {
    @Override
    public boolean isLoggable(LogRecord record) {
      return !isVertxGaugeReRegistration(record)
          && (previous == null || previous.isLoggable(record));
    }
  }
}
