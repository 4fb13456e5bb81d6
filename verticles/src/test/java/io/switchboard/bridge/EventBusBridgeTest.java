package io.switchboard.bridge;

import io.switchboard.acceptance.PhoenixJsClientTest;
import io.switchboard.support.TestNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SockJS bridge with the official JS bridge client from Node, next to a phoenix client. */
class EventBusBridgeTest {

  @Test
  void bridgeClientsSubscribePublishAndAreRefusedWhereTheyShouldBe() throws Exception {
    try (TestNode node = TestNode.start()) {
      PhoenixJsClientTest.runNodeTests("bridge-client.test.js", Map.of(
          "SWITCHBOARD_HTTP_URL", "http://127.0.0.1:" + node.port(),
          "TOKEN_ALICE", node.token("alice"), "TOKEN_BOB", node.token("bob")), line -> { });
    }
  }
}
