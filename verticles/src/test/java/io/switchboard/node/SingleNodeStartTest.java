package io.switchboard.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigException;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
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
 * A single-node start ({@code build()}, what the launcher calls without {@code -cluster}) never
 * reads the Hazelcast config: no "Configuring Hazelcast from 'cluster.xml'" line, and cluster
 * settings, even broken ones, are ignored.
 */
class SingleNodeStartTest {
  final List<LogRecord> hazelcastLog = new CopyOnWriteArrayList<>();
  final Logger hazelcastLogger = Logger.getLogger("com.hazelcast");
  final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          hazelcastLog.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureHazelcastLog() {
    capture.setLevel(Level.ALL);
    hazelcastLogger.addHandler(capture);
  }

  @AfterEach
  void stopCapturing() {
    hazelcastLogger.removeHandler(capture);
    System.clearProperty(ClusterSettings.CONFIG_PROPERTY);
  }

  private List<String> messages() {
    return hazelcastLog.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()).toList();
  }

  @Test
  void theCaptureSeesHazelcastReadingItsConfig() {
    // What a single-node start logged before, and what a clustered one still does.
    ClusterSettings.load(Map.of());
    assertTrue(
        messages().stream().anyMatch(m -> m.contains("Configuring Hazelcast from 'cluster.xml'")),
        messages()::toString);
  }

  @Test
  void aSingleNodeLogsNothingFromHazelcast() {
    try (TestNode node = TestNode.start();
        TestSocket s = node.connect("solo")) {
      assertEquals("ok", TestSocket.status(s.join("1", "room:solo")));
      assertTrue(!node.vertx.isClustered());
    }
    assertEquals(List.of(), messages());
  }

  @Test
  void aSingleNodeIgnoresClusterSettingsEvenBrokenOnes() {
    // Either would fail ClusterSettings.load (see the last assertion): a single node must not call
    // it.
    System.setProperty(ClusterSettings.CONFIG_PROPERTY, "/nonexistent/switchboard-cluster.xml");
    Map<String, String> env = Map.of("SWITCHBOARD_CLUSTER_PORT", "abc");
    var registry =
        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    io.vertx.core.Vertx vertx =
        SwitchboardHooks.builder(new io.vertx.core.VertxOptions(), registry, env).build();
    io.switchboard.support.Await.result(vertx.close());
    assertEquals(List.of(), messages());
    ConfigException e = assertThrows(ConfigException.class, () -> ClusterSettings.load(env));
    assertTrue(e.getMessage().contains("/nonexistent/switchboard-cluster.xml"), e.getMessage());
  }
}
