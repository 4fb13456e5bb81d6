package io.switchboard.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.metrics.MetricNames;
import io.switchboard.support.Await;
import io.switchboard.support.RawClient;
import io.switchboard.support.RawHttp;
import io.switchboard.support.Scrape;
import io.switchboard.support.TestNode;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A bridge client going away is normal, whichever way it goes: with a close frame, or without one
 * (a closed tab, a lost network). Nothing is logged above FINE for it (Vert.x's bridge logged each
 * one at SEVERE), and its registrations are cleaned up all the same.
 */
class BridgeDisconnectLogTest {
  static final String TOPICS = MetricNames.TOPICS.replace('.', '_');

  static TestNode node;
  static HttpClient metrics;

  /** Everything logged above FINE while a case runs (the node's start is over by then). */
  static final List<LogRecord> logged = new CopyOnWriteArrayList<>();

  static final Handler ABOVE_FINE =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          if (r.getLevel().intValue() > Level.FINE.intValue()) {
            logged.add(r);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  double baseline;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    metrics = node.vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @BeforeEach
  void capture() {
    baseline = topics();
    logged.clear();
    Logger.getLogger("").addHandler(ABOVE_FINE);
  }

  @AfterEach
  void nothingLoggedAndNothingLeft() {
    try {
      Await.until("the bridge socket's registration cleaned up", () -> topics() == baseline);
      assertEquals(
          List.of(),
          logged.stream()
              .map(
                  r ->
                      r.getLevel()
                          + " "
                          + r.getLoggerName()
                          + ": "
                          + r.getMessage()
                          + " "
                          + r.getThrown())
              .toList(),
          "nothing logged above FINE");
    } finally {
      Logger.getLogger("").removeHandler(ABOVE_FINE);
    }
  }

  @Test
  void aCloseFrame() {
    WebSocket ws = Await.result(node.client().connect(bridge("/eventbus/websocket")));
    register(ws, "topic:room:closed");
    Await.result(ws.close());
  }

  @Test
  void noCloseFrameOnTheRawWebSocket() throws Exception {
    vanish("/eventbus/websocket", "topic:room:vanished");
  }

  @Test
  void noCloseFrameOnASockJsSession() throws Exception {
    vanish("/eventbus/000/vanishing/websocket", "topic:room:vanished-session");
  }

  @Test
  void anXhrStreamingClientThatVanishes() throws Exception {
    String session = "/eventbus/000/streaming-leaver/";
    String token = "?token=" + node.token("gone");
    try (Socket stream = RawHttp.open(node.port())) {
      RawHttp.send(
          stream,
          "POST "
              + session
              + "xhr_streaming"
              + token
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              + "Content-Length: 0\r\n\r\n");
      StringBuilder got = new StringBuilder();
      byte[] buf = new byte[4096];
      while (!got.toString().contains("\no\n")) {
        int n = stream.getInputStream().read(buf);
        assertTrue(n > 0, "the stream opened: " + got);
        got.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
      }
      String body = new io.vertx.core.json.JsonArray().add(registration("topic:room:xhr")).encode();
      RawHttp.Answer sent =
          RawHttp.exchange(
              node.port(),
              "POST "
                  + session
                  + "xhr_send"
                  + token
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + "Content-Type: text/plain\r\nConnection: close\r\nContent-Length: "
                  + body.length()
                  + "\r\n\r\n"
                  + body);
      assertEquals(204, sent.status(), sent.raw());
      Await.until("registered", () -> topics() == baseline + 1);
    }
    // SockJS closes the session once its client has been gone for the disconnect delay (5 s).
  }

  /** Upgrades, registers, and drops the TCP connection without a close frame. */
  private void vanish(String path, String address) throws Exception {
    try (Socket s = RawHttp.open(node.port())) {
      RawHttp.send(s, RawHttp.upgrade(path + "?token=" + node.token("gone"), node.port()));
      assertTrue(RawHttp.readHead(s).raw().startsWith("HTTP/1.1 101"));
      // A SockJS session frames client messages as a JSON array of strings.
      String message = registration(address);
      String frame =
          path.endsWith("/eventbus/websocket")
              ? message
              : new io.vertx.core.json.JsonArray().add(message).encode();
      s.getOutputStream().write(RawClient.maskedText(frame));
      s.getOutputStream().flush();
      Await.until("registered", () -> topics() == baseline + 1);
    }
  }

  private void register(WebSocket ws, String address) {
    Await.result(ws.writeTextMessage(registration(address)));
    Await.until("registered", () -> topics() == baseline + 1);
  }

  private static String registration(String address) {
    return new JsonObject().put("type", "register").put("address", address).encode();
  }

  private static WebSocketConnectOptions bridge(String path) {
    return new WebSocketConnectOptions()
        .setHost("127.0.0.1")
        .setPort(node.port())
        .setURI(path + "?token=" + node.token("leaver"));
  }

  private static double topics() {
    return Scrape.value(metrics, node.main.metricsPort(), TOPICS);
  }
}
