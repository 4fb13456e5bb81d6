package io.switchboard.socket;

import io.switchboard.acceptance.PhoenixJsClientTest;
import io.switchboard.support.Chromium;
import io.switchboard.support.TestNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * phoenix.js's long-poll in headless Chromium (longpoll-browser.test.js): the forced fallback
 * (WebSockets blocked, {@code longPollFallbackMs} set), and CORS with the browser's own preflights:
 * a page of an origin in {@code http.allowedOrigins} works across origins, one of another origin
 * opens no session.
 */
class LongPollBrowserTest {
  /** A port free now, for the JS side's page servers (another origin than the node's). */
  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void chromiumWithWebSocketsBlockedFallsBackToLongPoll() throws Exception {
    String chromium = Chromium.requireInstalled();
    int pagePort = freePort();
    int foreignPort = freePort();
    try (TestNode node =
        TestNode.start(c -> c.http().allowedOrigins("http://127.0.0.1:" + pagePort))) {
      PhoenixJsClientTest.runNodeTests(
          "longpoll-browser.test.js",
          Map.of(
              "SWITCHBOARD_HTTP_URL",
              "http://127.0.0.1:" + node.port(),
              "CHROMIUM_PATH",
              chromium,
              "TOKEN",
              node.token("browser"),
              "PAGE_PORT",
              String.valueOf(pagePort),
              "FOREIGN_PORT",
              String.valueOf(foreignPort)),
          line -> {});
    }
  }
}
