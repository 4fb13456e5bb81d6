package io.switchboard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.metrics.MetricNames;
import io.switchboard.support.Await;
import io.switchboard.support.RawHttp;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node's connection cap ({@code http.maxConnections}, 10 here): past it an upgrade and any
 * other request get 503 with {@code Retry-After} at once, {@code /health} is still answered, and a
 * freed place is taken again. Connections that sent nothing count too, until their header timeout
 * frees them.
 */
class ConnectionCapTest {
  static final int CAP = 10;
  static final String OPEN = MetricNames.HTTP_CONNECTIONS.replace('.', '_');
  static final String REJECTED =
      MetricNames.REJECTED_CONNECTIONS.replace('.', '_') + "_total{reason=\"node_full\"}";
  static final String REFUSED =
      MetricNames.HTTP_REFUSED.replace('.', '_') + "_total{reason=\"node_full\"}";

  static TestNode node;
  static HttpClient metrics;
  final List<AutoCloseable> held = new ArrayList<>();

  @BeforeAll
  static void start() {
    node = TestNode.start(c -> c.http().maxConnections(CAP).headerTimeoutMs(2_000));
    metrics = node.vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @AfterEach
  void release() throws Exception {
    for (AutoCloseable c : held) {
      c.close();
    }
    held.clear();
    Await.until("every connection gone", () -> scrape(OPEN) == 0);
  }

  @Test
  void pastTheCapUpgradesGet503AndHealthIsStillAnswered() throws Exception {
    for (int i = 0; i < CAP; i++) {
      held.add(node.connect("user-" + i));
    }
    assertEquals(CAP, scrape(OPEN));
    double rejectedBefore = scrape(REJECTED);
    double refusedBefore = scrape(REFUSED);

    RawHttp.Answer upgrade =
        RawHttp.exchange(
            node.port(),
            RawHttp.upgrade(
                "/socket/websocket?vsn=2.0.0&token=" + node.token("one-too-many"), node.port()));
    assertEquals(503, upgrade.status(), upgrade.raw());
    int retry = Integer.parseInt(upgrade.header("Retry-After"));
    assertTrue(retry >= 5 && retry <= 15, "Retry-After " + retry);
    assertEquals(
        "node_full", new JsonObject(upgrade.body()).getJsonObject("error").getString("code"));

    RawHttp.Answer api =
        RawHttp.exchange(node.port(), RawHttp.get("/api/topics/x/subscribers", node.port()));
    assertEquals(503, api.status(), api.raw());

    RawHttp.Answer health = RawHttp.exchange(node.port(), RawHttp.get("/health", node.port()));
    assertEquals(200, health.status(), health.raw());
    assertEquals("UP", new JsonObject(health.body()).getString("status"));

    assertEquals(rejectedBefore + 1, scrape(REJECTED));
    assertEquals(refusedBefore + 1, scrape(REFUSED));
    // The open sockets did not notice.
    TestSocket first = (TestSocket) held.get(0);
    assertEquals("ok", TestSocket.status(first.join("1", "room:cap")));
  }

  @Test
  void aFreedPlaceIsTakenAgain() throws Exception {
    for (int i = 0; i < CAP; i++) {
      held.add(node.connect("user-" + i));
    }
    ((TestSocket) held.remove(0)).close();
    Await.until("a place is free", () -> scrape(OPEN) == CAP - 1);
    TestSocket again = node.connect("again");
    held.add(again);
    assertEquals("ok", TestSocket.status(again.join("1", "room:cap")));
  }

  @Test
  void connectionsThatSendNothingHoldPlacesUntilTheirHeaderTimeout() throws Exception {
    for (int i = 0; i < CAP; i++) {
      held.add(RawHttp.open(node.port()));
    }
    Await.until("the silent connections counted", () -> scrape(OPEN) == CAP);
    RawHttp.Answer refused =
        RawHttp.exchange(
            node.port(),
            RawHttp.upgrade(
                "/socket/websocket?vsn=2.0.0&token=" + node.token("waiting"), node.port()));
    assertEquals(503, refused.status(), refused.raw());
    for (AutoCloseable c : held) {
      assertTrue(RawHttp.readUntilClosed((Socket) c).empty(), "closed without an answer");
    }
    Await.until("the silent connections gone", () -> scrape(OPEN) == 0);
    TestSocket s = node.connect("waiting");
    held.add(s);
    assertEquals("ok", TestSocket.status(s.join("1", "room:cap")));
  }

  private static double scrape(String series) {
    return Scrape.value(metrics, node.main.metricsPort(), series);
  }
}
