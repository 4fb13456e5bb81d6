package io.switchboard.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.switchboard.support.Tools;
import io.switchboard.support.Traffic;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What only clustered nodes export (clustered event-bus meters, cross-node broadcast counters)
 * lints clean too: a broadcast published on one node reaches a socket on the other, then both
 * scrapes pass promtool check metrics.
 */
@Tag("cluster")
class ClusteredScrapeLintTest {
  static TestNode a;
  static TestNode b;
  static HttpClient http;

  @BeforeAll
  static void start() {
    String name = "scrape-lint-" + java.util.UUID.randomUUID();
    a = TestNode.startClustered(name, Traffic::configure);
    b = TestNode.startClustered(name, Traffic::configure);
    http = a.vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  @Test
  void bothScrapesPassPromtoolAfterCrossNodeTraffic() {
    String promtool = Tools.require("promtool", "prometheus");
    try (TestSocket s = a.connect("lint-a")) {
      s.join("1", "room:cross");
      RequestOptions publish =
          new RequestOptions()
              .setMethod(HttpMethod.POST)
              .setHost("127.0.0.1")
              .setPort(b.port())
              .setURI("/api/publish")
              .putHeader("Authorization", "apikey " + Traffic.API_KEY);
      // b may not know of a's subscription yet: publish until one arrives.
      Await.until(
          "a broadcast published on b reaches a socket on a",
          () -> {
            Await.result(
                http.request(publish)
                    .compose(
                        req ->
                            req.send(
                                    Buffer.buffer(
                                        "{\"topic\":\"room:cross\",\"event\":\"news\",\"payload\":{}}"))
                                .map(resp -> resp.statusCode())));
            return s.poll(f -> "news".equals(f.getString(3)), java.time.Duration.ofMillis(200))
                .isPresent();
          });
    }
    for (TestNode node : List.of(a, b)) {
      String scrape = Scrape.text(http, node.main.metricsPort());
      Tools.Result lint =
          Tools.run(
              List.of(promtool, "check", "metrics"),
              Map.of(),
              scrape.getBytes(StandardCharsets.UTF_8));
      assertEquals(0, lint.exit(), "promtool check metrics:\n" + lint.output());
    }
    double published = 0;
    for (TestNode node : List.of(a, b)) {
      published +=
          Scrape.value(http, node.main.metricsPort(), "switchboard_cluster_published_total");
    }
    assertTrue(published >= 1, "a clustered publish was counted");
  }
}
