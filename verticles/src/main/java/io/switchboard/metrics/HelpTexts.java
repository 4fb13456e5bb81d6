package io.switchboard.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Map;

/**
 * HELP text for the meters that are registered on first use with {@code registry.counter(name, tags...)}, which
 * takes no description: without one the scrape has no {@code # HELP} line for them and
 * {@code promtool check metrics} reports "no help text". A meter that brings its own description keeps it.
 */
public final class HelpTexts {
  static final Map<String, String> DESCRIPTIONS = Map.of(
      MetricNames.REJECTED_CONNECTIONS, "WebSocket upgrades refused before the socket opened, by reason",
      MetricNames.SERVER_CLOSES, "Sockets the server closed, by close code",
      MetricNames.THROTTLES, "Throttle events sent to sockets, by reason (buffer_full, rate_limited)");

  private HelpTexts() {
  }

  public static MeterFilter filter() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        String description = DESCRIPTIONS.get(id.getName());
        if (description == null || id.getDescription() != null) {
          return id;
        }
        return new Meter.Id(id.getName(), Tags.of(id.getTags()), id.getBaseUnit(), description, id.getType());
      }
    };
  }
}
