package io.switchboard.demo;

import io.switchboard.acceptance.PhoenixJsClientTest;
import io.switchboard.support.Chromium;
import io.switchboard.support.TestNode;
import java.io.File;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The demo chat in headless Chromium (Debian's chromium, driven by playwright-core): two pages
 * talk.
 */
class DemoPageBrowserTest {
  @Test
  void twoBrowserPagesChatThroughTheNode() throws Exception {
    String chromium = Chromium.requireInstalled();
    File shots = new File("target/screenshots");
    shots.mkdirs();
    try (TestNode node = TestNode.start()) {
      PhoenixJsClientTest.runNodeTests(
          "demo-browser.test.js",
          Map.of(
              "SWITCHBOARD_HTTP_URL",
              "http://127.0.0.1:" + node.port(),
              "CHROMIUM_PATH",
              chromium,
              "SCREENSHOT_DIR",
              shots.getAbsolutePath(),
              "TOKEN_ALICE",
              node.token("alice"),
              "TOKEN_BOB",
              node.token("bob")),
          line -> {});
    }
  }
}
