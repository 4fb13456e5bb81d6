package io.switchboard.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ConfigException;
import io.switchboard.support.Await;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Start-up: bad config, unknown keys and missing keys fail the start naming the key; dev mode hands
 * out a working token.
 */
class NodeStartTest {

  @Test
  void badConfigFailsTheStartNamingTheKey() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                TestNode.start(
                    c ->
                        c.raw(
                            json -> json.getJsonObject("limits").put("maxChannelsPerSocket", -1))));
    assertTrue(e.getMessage().contains("limits.maxChannelsPerSocket"), e.getMessage());
  }

  @Test
  void aMisspeltKeyFailsTheStartNamingIt() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                TestNode.start(
                    c ->
                        c.raw(
                            json -> json.getJsonObject("limits").put("maxChanelsPerSocket", 10))));
    assertTrue(e.getMessage().contains("limits.maxChanelsPerSocket"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown key"), e.getMessage());
  }

  @Test
  void noKeyOutsideDevModeFailsTheStart() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> TestNode.start(c -> c.auth().secret("")));
    assertTrue(e.getMessage().contains("SWITCHBOARD_JWT_SECRET"), e.getMessage());
  }

  @Test
  void devModeMakesAKeyAndATokenThatConnects() {
    try (TestNode node = TestNode.start(c -> c.auth().secret("").dev(true))) {
      String token = node.main.devToken();
      assertNotNull(token);
      try (TestSocket s = node.connectWithQuery("token=" + token + "&vsn=2.0.0")) {
        assertEquals("ok", TestSocket.status(s.join("1", "room:dev")));
      }
      // Tokens signed with anything else, including the test secret, are refused.
      Await.failure(
          node.client()
              .connect(TestSocket.options(node.port(), "token=" + node.token("x") + "&vsn=2.0.0")));
    }
  }

  @Test
  void aPortInUseFailsTheStart() {
    try (TestNode first = TestNode.start()) {
      int taken = first.main.metricsPort();
      RuntimeException e =
          assertThrows(RuntimeException.class, () -> TestNode.start(c -> c.http().port(taken)));
      assertTrue(
          String.valueOf(e.getMessage()).toLowerCase().contains("address already in use"),
          String.valueOf(e));
    }
  }

  @Test
  void aConfigWithoutChannelsKeepsTheShippedRules() {
    // As with `-conf '{"http":{...}}'`: the document replaces the file, so it has no "channels" key
    // at all.
    try (TestNode node = TestNode.start(c -> c.withoutChannels());
        TestSocket s = node.connect("alice")) {
      assertEquals("ok", TestSocket.status(s.join("1", "room:lobby")));
      assertEquals("ok", TestSocket.status(s.join("2", "batch:lobby")));
    }
    // An explicit empty list still means what it says: nothing can be joined.
    try (TestNode node = TestNode.start(c -> c.noChannels());
        TestSocket s = node.connect("alice")) {
      assertEquals("error", TestSocket.status(s.join("1", "room:lobby")));
    }
  }

  @Test
  void environmentOverridesTheFile() {
    JsonObject file = TestNode.baseConfig();
    var config = ConfigLoader.load(file, java.util.Map.of("SWITCHBOARD_HTTP_PORT", "4555"));
    assertEquals(4555, config.http().port());
  }
}
