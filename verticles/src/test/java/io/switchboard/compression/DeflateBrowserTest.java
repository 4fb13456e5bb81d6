package io.switchboard.compression;

import io.switchboard.acceptance.PhoenixJsClientTest;
import io.switchboard.support.Chromium;
import io.switchboard.support.TestNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate with headless Chromium, the client that keeps its context unless told not to
 * (deflate-browser.test.js).
 */
class DeflateBrowserTest {
  @Test
  void chromiumNegotiatesNoContextTakeoverAndEveryMessageSurvives() throws Exception {
    String chromium = Chromium.requireInstalled();
    try (TestNode node = TestNode.start(c -> c.compression().permessageDeflate(true))) {
      PhoenixJsClientTest.runNodeTests(
          "deflate-browser.test.js",
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
