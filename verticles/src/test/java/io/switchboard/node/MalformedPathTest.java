package io.switchboard.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.RawHttp;
import io.switchboard.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A path with a broken percent-escape gets 400 {@code invalid_request}, on every URL of the socket
 * port, with nothing logged at SEVERE (found by FuzzTest: vertx-web's Router threw on {@code
 * /api/topics/%ZZ/subscribers} and logged the stack trace at SEVERE, for every such request).
 * Well-formed escapes are served as before.
 */
class MalformedPathTest {
  static final String KEY = "malformed-path-api-key-0123456789";

  @Test
  void aBrokenPercentEscapeIsA400AndLogsNothingSevere() throws Exception {
    List<String> severe = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
              severe.add(r.getMessage() + " " + r.getThrown());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger.getLogger("").addHandler(capture);
    try (TestNode node = TestNode.start(c -> c.api().key(KEY))) {
      for (String path :
          List.of(
              "/api/topics/%ZZ/subscribers",
              "/api/topics/room%3/history",
              "/api/topics/room%/presence",
              "/%zz",
              "/demo/%E",
              "/eventbus/%G0/websocket")) {
        RawHttp.Answer answer =
            RawHttp.exchange(node.port(), RawHttp.get(path, node.port(), "X-API-Key: " + KEY));
        assertEquals(400, answer.status(), path);
        assertEquals(
            "invalid_request",
            new JsonObject(answer.body()).getJsonObject("error").getString("code"),
            path);
      }
      RawHttp.Answer fine =
          RawHttp.exchange(
              node.port(),
              RawHttp.get("/api/topics/room%3Aa/subscribers", node.port(), "X-API-Key: " + KEY));
      assertEquals(200, fine.status(), fine.raw());
      assertTrue(fine.body().contains("room:a"), fine.body());
    } finally {
      Logger.getLogger("").removeHandler(capture);
    }
    assertEquals(List.of(), severe, "nothing logged at SEVERE");
  }
}
