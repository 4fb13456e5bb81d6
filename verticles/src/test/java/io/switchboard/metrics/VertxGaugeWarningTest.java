package io.switchboard.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.node.SwitchboardHooks;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.switchboard.support.Traffic;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No "Gauge has been already registered" record for Vert.x's gauges reaches the log, at any level,
 * from start-up through traffic, and the gauges are still exported with their values; the same
 * record about any other gauge still gets through.
 */
class VertxGaugeWarningTest {
  final Logger micrometer = Logger.getLogger(VertxGaugeWarning.LOGGER);
  final List<LogRecord> records = new CopyOnWriteArrayList<>();
  final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  Level levelBefore;

  @BeforeEach
  void captureEveryLevel() {
    // Micrometer warns once per JVM and then logs at debug level (FINE): capture both, whichever
    // test ran first.
    levelBefore = micrometer.getLevel();
    micrometer.setLevel(Level.ALL);
    capture.setLevel(Level.ALL);
    micrometer.addHandler(capture);
  }

  @AfterEach
  void stopCapturing() {
    micrometer.removeHandler(capture);
    micrometer.setLevel(levelBefore);
  }

  private List<String> reRegistrations() {
    return records.stream()
        .map(LogRecord::getMessage)
        .filter(m -> m.contains("has been already registered"))
        .toList();
  }

  @Test
  void vertxGaugesReRegisteredSilentlyAndStillExported() {
    try (TestNode node = TestNode.start(Traffic::configure)) {
      HttpClient http = node.vertx.createHttpClient();
      try (Traffic t = Traffic.generate(node, http)) {
        // The two sockets Traffic keeps open (the others' closes may still be under way), on a
        // gauge Vert.x re-registers per connection.
        io.switchboard.support.Await.until(
            "vertx_http_server_active_ws_connections 2",
            () ->
                Scrape.value(
                        http, node.main.metricsPort(), "vertx_http_server_active_ws_connections")
                    == 2.0);
        String scrape = Scrape.text(http, node.main.metricsPort());
        assertEquals(List.of(), reRegistrations());
        assertTrue(Scrape.value(scrape, "vertx_eventbus_handlers") > 0, scrape);
        assertTrue(Scrape.value(scrape, "vertx_eventbus_pending{side=\"local\"}") >= 0, scrape);
      }
    }
    assertEquals(List.of(), reRegistrations());
  }

  @Test
  void otherGaugesRegisteredTwiceAreStillLogged() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SwitchboardHooks.builder(
        new VertxOptions(), registry, Map.of()); // what installs the filter at every start
    assertTrue(micrometer.getFilter() != null, "the filter is installed");
    for (int i = 0; i < 2; i++) {
      Gauge.builder("switchboard.test.twice", () -> 1).register(registry);
    }
    assertEquals(1, reRegistrations().size(), records.toString());
    assertTrue(
        reRegistrations().get(0).contains("switchboard.test.twice"), reRegistrations().get(0));
  }
}
