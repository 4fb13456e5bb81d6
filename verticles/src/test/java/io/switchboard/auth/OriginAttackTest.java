package io.switchboard.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.switchboard.metrics.MetricNames;
import io.switchboard.support.Await;
import io.switchboard.support.LogScan;
import io.switchboard.support.RawHttp;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cross-site WebSocket hijacking: a page on another site opens a socket with its visitor's browser.
 * On {@code /socket} and on every {@code /eventbus} URL, an {@code Origin} is allowed only if it is
 * listed in {@code http.allowedOrigins} exactly or names the request's own host; every look-alike
 * (a suffix, a subdomain, userinfo, another scheme or port, {@code null} from a sandboxed frame)
 * gets 403 though its token is valid. No {@code Origin} at all (not a browser) is served, as
 * documented.
 */
@ExtendWith(LogScan.class)
class OriginAttackTest {
  static final String ALLOWED = "https://app.example.com";
  static TestNode node;
  static HttpClient http;

  @BeforeAll
  static void start() {
    node = TestNode.start(c -> c.http().allowedOrigins(ALLOWED));
    http = node.vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static List<String> foreign() {
    String own = "127.0.0.1:" + node.port();
    return List.of(
        "https://evil.example",
        "null",
        "https://app.example.com.evil.example",
        "https://evil.example/app.example.com",
        "https://sub.app.example.com",
        "http://app.example.com",
        "https://app.example.com:8443",
        "https://APP.EXAMPLE.COM", // browsers send the host in lower case: never a real origin
        "http://" + own + ".evil.example",
        "http://" + own + "@evil.example",
        "http://evil.example#@" + own,
        "http://127.0.0.1:1",
        "file://",
        "not a url");
  }

  private static String token(String user) {
    return LogScan.secret(node.token(user));
  }

  private static WebSocketConnectOptions socket(String origin) {
    WebSocketConnectOptions o =
        TestSocket.options(node.port(), "token=" + token("browser") + "&vsn=2.0.0");
    return origin == null ? o : o.addHeader("Origin", origin);
  }

  private static WebSocketConnectOptions bridge(String origin) {
    WebSocketConnectOptions o =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(node.port())
            .setURI("/eventbus/websocket?token=" + token("browser"));
    return origin == null ? o : o.addHeader("Origin", origin);
  }

  private static int refused(WebSocketConnectOptions options) {
    Throwable err = Await.failure(node.client().connect(options));
    return assertInstanceOf(UpgradeRejectedException.class, err, "expected a refusal, got " + err)
        .getStatus();
  }

  private static double meter(String series) {
    double v = Scrape.value(http, node.main.metricsPort(), series);
    return Double.isNaN(v) ? 0 : v; // not yet counted
  }

  @Test
  void aForeignOrLookAlikeOriginIsRefusedOnSocketAndOnEveryBridgeUrl() throws Exception {
    String socketRefusals =
        MetricNames.REJECTED_CONNECTIONS.replace('.', '_') + "_total{reason=\"origin\"}";
    String bridgeRefusals =
        MetricNames.HTTP_REFUSED.replace('.', '_') + "_total{reason=\"origin\"}";
    double socketBefore = meter(socketRefusals);
    double bridgeBefore = meter(bridgeRefusals);
    List<String> origins = foreign();
    for (String origin : origins) {
      assertEquals(403, refused(socket(origin)), "/socket from " + origin);
      assertEquals(403, refused(bridge(origin)), "/eventbus/websocket from " + origin);
      RawHttp.Answer info =
          RawHttp.exchange(
              node.port(), RawHttp.get("/eventbus/info", node.port(), "Origin: " + origin));
      assertEquals(403, info.status(), "/eventbus/info from " + origin);
      assertNull(info.header("Access-Control-Allow-Origin"), info.raw());
    }
    assertEquals(socketBefore + origins.size(), meter(socketRefusals));
    assertEquals(bridgeBefore + 2 * origins.size(), meter(bridgeRefusals));
  }

  @Test
  void theAllowedOriginTheOwnHostAndNoOriginAreServed() throws Exception {
    for (String origin :
        java.util.Arrays.asList(ALLOWED, "http://127.0.0.1:" + node.port(), null)) {
      Await.result(node.client().connect(socket(origin))).close();
      Await.result(node.client().connect(bridge(origin))).close();
      RawHttp.Answer info =
          RawHttp.exchange(
              node.port(),
              origin == null
                  ? RawHttp.get("/eventbus/info", node.port())
                  : RawHttp.get("/eventbus/info", node.port(), "Origin: " + origin));
      assertEquals(200, info.status(), "/eventbus/info from " + origin);
    }
    // And a socket opened from the allowed page works end to end.
    try (TestSocket s =
        TestSocket.connect(
            node.client(), node.port(), "token=" + token("browser") + "&vsn=2.0.0")) {
      assertEquals("ok", TestSocket.status(s.join("1", "room:origin")));
    }
  }
}
