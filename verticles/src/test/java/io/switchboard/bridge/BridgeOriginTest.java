package io.switchboard.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.switchboard.metrics.MetricNames;
import io.switchboard.support.Await;
import io.switchboard.support.RawHttp;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bridge at {@code /eventbus} takes browsers only from origins {@code http.allowedOrigins}
 * allows, as {@code /socket} does: a foreign page gets 403 on every bridge URL (its info endpoint
 * no longer grants it CORS with credentials), an allowed one and the server's own host work, and
 * clients without an Origin (not browsers) are not affected.
 */
class BridgeOriginTest {
  static final String ALLOWED = "https://app.example";
  static final String FOREIGN = "https://evil.example";
  static final String REFUSED =
      MetricNames.HTTP_REFUSED.replace('.', '_') + "_total{reason=\"origin\"}";
  static final String TOPICS = MetricNames.TOPICS.replace('.', '_');

  static TestNode node;
  static HttpClient metrics;

  @BeforeAll
  static void start() {
    node = TestNode.start(c -> c.http().allowedOrigins(ALLOWED));
    metrics = node.vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aForeignOriginIsRefusedOnEveryBridgeUrl() throws Exception {
    double before = scrape(REFUSED);
    RawHttp.Answer info =
        RawHttp.exchange(
            node.port(), RawHttp.get("/eventbus/info", node.port(), "Origin: " + FOREIGN));
    assertEquals(403, info.status(), info.raw());
    assertNull(info.header("Access-Control-Allow-Origin"), info.raw());

    RawHttp.Answer xhr =
        RawHttp.exchange(
            node.port(),
            "POST /eventbus/000/foreign/xhr?token="
                + node.token("mallory")
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: "
                + FOREIGN
                + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assertEquals(403, xhr.status(), xhr.raw());

    Throwable ws = Await.failure(node.client().connect(bridge("mallory", FOREIGN)));
    assertEquals(403, assertInstanceOf(UpgradeRejectedException.class, ws).getStatus());

    assertEquals(before + 3, scrape(REFUSED));
  }

  @Test
  void anAllowedOriginTheServersOwnHostAndNoOriginAreServed() throws Exception {
    RawHttp.Answer info =
        RawHttp.exchange(
            node.port(), RawHttp.get("/eventbus/info", node.port(), "Origin: " + ALLOWED));
    assertEquals(200, info.status(), info.raw());
    assertEquals(ALLOWED, info.header("Access-Control-Allow-Origin"));

    String own = "http://127.0.0.1:" + node.port();
    assertEquals(
        200,
        RawHttp.exchange(node.port(), RawHttp.get("/eventbus/info", node.port(), "Origin: " + own))
            .status());
    assertEquals(
        200, RawHttp.exchange(node.port(), RawHttp.get("/eventbus/info", node.port())).status());

    double topics = scrape(TOPICS);
    WebSocket ws = Await.result(node.client().connect(bridge("alice", ALLOWED)));
    Await.result(
        ws.writeTextMessage(
            new JsonObject().put("type", "register").put("address", "topic:room:origin").encode()));
    Await.until("the allowed page's registration subscribed", () -> scrape(TOPICS) == topics + 1);
    Await.result(ws.close());
  }

  private static WebSocketConnectOptions bridge(String user, String origin) {
    return new WebSocketConnectOptions()
        .setHost("127.0.0.1")
        .setPort(node.port())
        .setURI("/eventbus/websocket?token=" + node.token(user))
        .addHeader("Origin", origin);
  }

  private static double scrape(String series) {
    return Scrape.value(metrics, node.main.metricsPort(), series);
  }
}
