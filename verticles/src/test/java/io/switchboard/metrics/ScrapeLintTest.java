package io.switchboard.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.switchboard.support.Tools;
import io.switchboard.support.Traffic;
import io.vertx.core.http.HttpClient;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real node's scrape, after every kind of traffic, passes {@code promtool check metrics} with no
 * finding at all (Vert.x's and Micrometer's families included), and the JVM meters renamed for it
 * carry the right figures.
 */
class ScrapeLintTest {
  static TestNode node;
  static HttpClient http;
  static String promtool;

  @BeforeAll
  static void start() {
    promtool = Tools.require("promtool", "prometheus");
    node = TestNode.start(Traffic::configure);
    http = node.vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void scrapeAfterTrafficPassesPromtool() {
    String scrape;
    try (Traffic t = Traffic.generate(node, http)) {
      scrape = Scrape.text(http, node.main.metricsPort());
    }
    Tools.Result lint =
        Tools.run(
            List.of(promtool, "check", "metrics"),
            Map.of(),
            scrape.getBytes(StandardCharsets.UTF_8));
    // 0 = clean, 3 = parsed with lint findings (listed in the output), 1 = not parseable.
    assertEquals(0, lint.exit(), "promtool check metrics:\n" + lint.output());
    assertTrue(
        scrape.contains("switchboard_batch_size_count")
            && scrape.contains("websocket_rejected_connections_total")
            && scrape.contains("vertx_http_server_requests_total"),
        "the traffic shows in the scrape");
  }

  @Test
  void jvmMetersPromtoolRejectedAreExportedUnderCleanNames() {
    var compilation = ManagementFactory.getCompilationMXBean();
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long compiledMsBefore = compilation.getTotalCompilationTime();
    long cpuNsBefore = os.getProcessCpuTime();
    String scrape = Scrape.text(http, node.main.metricsPort());
    long compiledMsAfter = compilation.getTotalCompilationTime();
    long cpuNsAfter = os.getProcessCpuTime();

    for (String gone :
        List.of("jvm_compilation_time_ms", "process_cpu_time_ns", "system_cpu_count")) {
      assertTrue(
          Scrape.samples(scrape).stream().noneMatch(s -> s.name().startsWith(gone)),
          gone + " still exported");
    }
    // Same figures in seconds: between what the MXBeans said just before and just after the scrape.
    double compiled =
        Scrape.value(
            scrape,
            "jvm_compilation_time_seconds_total{compiler=\"" + compilation.getName() + "\"}");
    assertTrue(
        compiled * 1e3 >= compiledMsBefore - 0.5 && compiled * 1e3 <= compiledMsAfter + 0.5,
        compiled + " s vs " + compiledMsBefore + ".." + compiledMsAfter + " ms");
    double cpu = Scrape.value(scrape, "process_cpu_time_seconds_total");
    assertTrue(
        cpu * 1e9 >= cpuNsBefore - 1e3 && cpu * 1e9 <= cpuNsAfter + 1e3,
        cpu + " s vs " + cpuNsBefore + ".." + cpuNsAfter + " ns");
    assertEquals(Runtime.getRuntime().availableProcessors(), Scrape.value(scrape, "system_cpus"));
  }
}
