package io.switchboard.socket;

import io.switchboard.acceptance.PhoenixJsClientTest;
import io.switchboard.support.Chromium;
import io.switchboard.support.TestNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * phoenix.js's forced fallback in headless Chromium (longpoll-browser.test.js): WebSockets blocked,
 * {@code longPollFallbackMs} set, the page's channel works over {@code /socket/longpoll}.
 */
class LongPollBrowserTest {
  @Test
  void chromiumWithWebSocketsBlockedFallsBackToLongPoll() throws Exception {
    String chromium = Chromium.requireInstalled();
    try (TestNode node = TestNode.start()) {
      PhoenixJsClientTest.runNodeTests(
          "longpoll-browser.test.js",
          Map.of(
              "SWITCHBOARD_HTTP_URL",
              "http://127.0.0.1:" + node.port(),
              "CHROMIUM_PATH",
              chromium,
              "TOKEN",
              node.token("browser")),
          line -> {});
    }
  }
}
