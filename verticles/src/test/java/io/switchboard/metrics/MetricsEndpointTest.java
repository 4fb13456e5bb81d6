package io.switchboard.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prometheus text at /metrics on the metrics port, and the meters move with traffic; /health on
 * both ports.
 */
class MetricsEndpointTest {
  static TestNode node;
  static HttpClient http;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    http = node.vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static String get(int port, String path) {
    return Await.result(
            http.request(HttpMethod.GET, port, "127.0.0.1", path)
                .compose(
                    req ->
                        req.send()
                            .compose(
                                resp -> {
                                  assertEquals(200, resp.statusCode(), path);
                                  return resp.body();
                                })))
        .toString();
  }

  static double value(String scrape, String series) {
    double v = Scrape.value(scrape, series);
    assertTrue(!Double.isNaN(v), "no series " + series + " in scrape");
    return v;
  }

  @Test
  void madeUpHttpMethodsDoNotMintMetricSeries() {
    // Anyone reaching the socket port can send any method; the meters must not grow a series per
    // made-up one.
    int status =
        Await.result(
            http.request(HttpMethod.valueOf("ZZA"), node.port(), "127.0.0.1", "/health")
                .compose(req -> req.send().map(resp -> resp.statusCode())));
    assertTrue(status >= 400, "status " + status);
    String scrape = get(node.main.metricsPort(), "/metrics");
    assertTrue(!scrape.contains("method=\"ZZA\""), "a series labelled with the made-up method");
    assertTrue(scrape.contains("method=\"other\""), "the request counted as method=other");
  }

  @Test
  void metersMoveWithTraffic() {
    int metrics = node.main.metricsPort();
    String before = get(metrics, "/metrics");
    double inBefore = value(before, "websocket_messages_total{direction=\"in\"}");
    double outBefore = value(before, "websocket_messages_total{direction=\"out\"}");
    double handledBefore = value(before, "websocket_message_duration_seconds_count");
    try (TestSocket a = node.connect("m1");
        TestSocket b = node.connect("m2")) {
      a.join("1", "room:m");
      b.join("1", "room:m");
      a.send("1", "2", "room:m", "shout", new JsonObject());
      a.reply("2");
      a.event("room:m", "shout");
      b.event("room:m", "shout");
      String during = get(metrics, "/metrics");
      assertEquals(2.0, value(during, "websocket_connections"));
      assertEquals(inBefore + 3, value(during, "websocket_messages_total{direction=\"in\"}"));
      // 3 replies + 2 broadcast deliveries.
      assertEquals(outBefore + 5, value(during, "websocket_messages_total{direction=\"out\"}"));
      assertEquals(handledBefore + 3, value(during, "websocket_message_duration_seconds_count"));
      assertTrue(
          during.contains("websocket_message_duration_seconds_bucket{le="),
          "histogram buckets exported");
    }
    Await.until(
        "connections gauge back to 0",
        () -> value(get(metrics, "/metrics"), "websocket_connections") == 0.0);
  }

  @Test
  void refusalsAreCountedByReason() {
    Await.failure(node.client().connect(TestSocket.options(node.port(), "vsn=2.0.0")));
    assertTrue(
        value(
                get(node.main.metricsPort(), "/metrics"),
                "websocket_rejected_connections_total{reason=\"no_token\"}")
            >= 1);
  }

  @Test
  void vertxOwnMetersAreExportedToo() {
    assertTrue(get(node.main.metricsPort(), "/metrics").contains("vertx_http_server_"));
  }

  @Test
  void healthAnswersOnBothPorts() {
    assertTrue(get(node.port(), "/health").contains("UP"));
    assertTrue(get(node.main.metricsPort(), "/health").contains("UP"));
  }
}
