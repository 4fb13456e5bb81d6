package io.switchboard.bridge;

import io.switchboard.acceptance.PhoenixJsClientTest;
import io.switchboard.support.TestNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SockJS bridge with the official JS bridge client from Node, next to a phoenix client. */
class EventBusBridgeTest {

  @Test
  void bridgeClientsSubscribePublishAndAreRefusedWhereTheyShouldBe() throws Exception {
    String apiKey = "bridge-test-api-key-0123456789";
    try (TestNode node = TestNode.start(c -> c.getJsonObject("api").put("key", apiKey))) {
      PhoenixJsClientTest.runNodeTests("bridge-client.test.js", Map.of(
          "SWITCHBOARD_HTTP_URL", "http://127.0.0.1:" + node.port(), "API_KEY", apiKey,
          "TOKEN_ALICE", node.token("alice"), "TOKEN_BOB", node.token("bob")), line -> { });
    }
  }
}
