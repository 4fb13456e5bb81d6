package io.switchboard.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.acceptance.PhoenixJsClientTest;
import io.switchboard.support.TestNode;
import java.io.File;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo chat in headless Chromium (Debian's chromium, driven by playwright-core): two pages talk. */
class DemoPageBrowserTest {
  static final File CHROMIUM = new File(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));

  @Test
  void twoBrowserPagesChatThroughTheNode() throws Exception {
    assertTrue(CHROMIUM.canExecute(), CHROMIUM + " missing: the build installs it (deploy/install-test-deps.sh)");
    File shots = new File("target/screenshots");
    shots.mkdirs();
    try (TestNode node = TestNode.start()) {
      PhoenixJsClientTest.runNodeTests("demo-browser.test.js", Map.of(
          "SWITCHBOARD_HTTP_URL", "http://127.0.0.1:" + node.port(),
          "CHROMIUM_PATH", CHROMIUM.getPath(),
          "SCREENSHOT_DIR", shots.getAbsolutePath(),
          "TOKEN_ALICE", node.token("alice"), "TOKEN_BOB", node.token("bob")), line -> { });
    }
  }
}
