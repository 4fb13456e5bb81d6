package io.switchboard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.metrics.MetricNames;
import io.switchboard.support.Await;
import io.switchboard.support.RawHttp;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The node's upgrade rate ({@code http.upgradesPerSecond} 1, {@code http.upgradeBurst} 3 here): a
 * storm of upgrades, Phoenix and bridge ones alike, gets its burst through and 503 with {@code
 * Retry-After} for the rest; other requests take no token. The bucket itself is {@code
 * limits.UpgradeRateTest}.
 */
class UpgradeRateLimitTest {
  static final int STORM = 30;
  static final int BURST = 3;
  static final String REJECTED =
      MetricNames.REJECTED_CONNECTIONS.replace('.', '_') + "_total{reason=\"rate_limited\"}";

  @Test
  void aStormGetsItsBurstThroughAndTheRest503WithRetryAfter() throws Exception {
    try (TestNode node = TestNode.start(c -> c.http().upgradesPerSecond(1).upgradeBurst(BURST))) {
      HttpClient metrics = node.vertx.createHttpClient();
      // Plain requests take no token: the storm still finds its whole burst.
      for (int i = 0; i < 2 * BURST; i++) {
        assertEquals(
            200, RawHttp.exchange(node.port(), RawHttp.get("/health", node.port())).status());
      }
      long start = System.nanoTime();
      List<Future<WebSocket>> phoenix = new ArrayList<>();
      List<Future<WebSocket>> bridge = new ArrayList<>();
      for (int i = 0; i < STORM; i++) {
        String token = node.token("u" + i);
        phoenix.add(
            TestSocket.attempt(
                node.client(), TestSocket.options(node.port(), "token=" + token + "&vsn=2.0.0")));
        bridge.add(
            TestSocket.attempt(
                node.client(),
                new WebSocketConnectOptions()
                    .setHost("127.0.0.1")
                    .setPort(node.port())
                    .setURI("/eventbus/websocket?token=" + token)));
      }
      List<Future<WebSocket>> all = new ArrayList<>(phoenix);
      all.addAll(bridge);
      // Settled, each either way (join fails when some did, once all have).
      Await.result(Future.join(all).otherwiseEmpty());
      double seconds = (System.nanoTime() - start) / 1e9;

      int opened = 0;
      for (Future<WebSocket> a : all) {
        if (a.succeeded()) {
          opened++;
          Await.result(a.result().close());
        } else {
          UpgradeRejectedException e = assertInstanceOf(UpgradeRejectedException.class, a.cause());
          assertEquals(503, e.getStatus());
          int retry = Integer.parseInt(e.getHeaders().get("Retry-After"));
          assertTrue(retry >= 1 && retry <= 5, "Retry-After " + retry);
          assertEquals(
              "rate_limited", new JsonObject(e.getBody()).getJsonObject("error").getString("code"));
        }
      }
      int refused = all.size() - opened;
      // The burst, plus one a second for however long the storm took to arrive.
      assertTrue(opened >= BURST, opened + " opened");
      assertTrue(
          opened <= BURST + (int) Math.ceil(seconds), opened + " opened in " + seconds + " s");
      assertTrue(phoenix.stream().anyMatch(Future::failed), "Phoenix upgrades refused");
      assertTrue(bridge.stream().anyMatch(Future::failed), "bridge upgrades refused");
      assertEquals(refused, Scrape.value(metrics, node.main.metricsPort(), REJECTED));
    }
  }
}
