package io.switchboard.acceptance;

import io.switchboard.support.TestNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code src/test/js/realtime-js.test.js}: the real {@code @supabase/realtime-js} (pinned in
 * package.json) against a node with the realtime profile on (a {@code realtime:*} rule of kind
 * {@code realtime}). One socket verticle instance, so that one expiry sweep sees every socket, and
 * leeway 0, so that the tokens the test mints die at their {@code exp}.
 */
public class RealtimeJsClientTest {

  static TestNode realtimeNode() {
    return TestNode.start(
        c -> {
          c.auth().leewaySeconds(0);
          c.http().socketInstances(1);
          c.addChannel("realtime:*", "realtime", "authenticated");
        });
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
}
