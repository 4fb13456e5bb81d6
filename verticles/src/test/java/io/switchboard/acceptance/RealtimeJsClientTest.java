package io.switchboard.acceptance;

import io.switchboard.support.TestConfig;
import io.switchboard.support.TestNode;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/js/realtime-js.test.js}: the real {@code @supabase/realtime-js} (pinned in
 * package.json) against a node with the realtime profile on (a {@code realtime:*} rule of kind
 * {@code realtime}). One socket verticle instance, so that one expiry sweep sees every socket, and
 * leeway 0, so that the tokens the test mints die at their {@code exp}.
 */
public class RealtimeJsClientTest {

  static void realtimeProfile(TestConfig c) {
    c.auth().leewaySeconds(0);
    c.http().socketInstances(1);
    c.addChannel("realtime:*", "realtime", "authenticated");
  }

  static TestNode realtimeNode() {
    return TestNode.start(RealtimeJsClientTest::realtimeProfile);
  }

  @Test
  void supabaseRealtimeJsBroadcastsAndTracksPresence() throws Exception {
    try (TestNode node = realtimeNode()) {
      Map<String, String> env =
          Map.of(
              "SWITCHBOARD_REALTIME_URLS",
              "ws://127.0.0.1:" + node.port() + "/realtime/v1",
              "SWITCHBOARD_JWT_SECRET",
              TestNode.SECRET);
      PhoenixJsClientTest.runNodeTests("realtime-js.test.js", env, line -> {});
    }
  }

  /**
   * The same suite on two clustered nodes (loopback, random cluster name): the broadcast and
   * presence tests put their two clients on different nodes.
   */
  @Test
  @Tag("cluster")
  void supabaseRealtimeJsAcrossTwoNodes() throws Exception {
    String name = "realtime-js-" + UUID.randomUUID();
    try (TestNode a = TestNode.startClustered(name, RealtimeJsClientTest::realtimeProfile);
        TestNode b = TestNode.startClustered(name, RealtimeJsClientTest::realtimeProfile)) {
      Map<String, String> env =
          Map.of(
              "SWITCHBOARD_REALTIME_URLS",
              "ws://127.0.0.1:"
                  + a.port()
                  + "/realtime/v1,ws://127.0.0.1:"
                  + b.port()
                  + "/realtime/v1",
              "SWITCHBOARD_JWT_SECRET",
              TestNode.SECRET);
      PhoenixJsClientTest.runNodeTests("realtime-js.test.js", env, line -> {});
    }
  }
}
