package io.switchboard.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.LogScan;
import io.switchboard.support.RawHttp;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Guessing the API key over real HTTP: every wrong, partial, mis-cased, mis-placed or missing key
 * gets 401 {@code unauthorized} (in the API's JSON error format) before the body is read, a 1 MB
 * one 431, the right one 200; a Phoenix socket is served throughout and no key reaches the log. The
 * comparison itself is proven constant-time in {@link ApiKeyTest}.
 */
@ExtendWith(LogScan.class)
class ApiKeyAttackTest {
  static final String KEY = LogScan.secret("api-key-under-attack-0123456789");
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(c -> c.api().key(KEY));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static RawHttp.Answer publish(String... headers) throws Exception {
    String body = new JsonObject().put("topic", "room:api").put("event", "shout").encode();
    StringBuilder request =
        new StringBuilder("POST /api/publish HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (String h : headers) {
      request.append(h).append("\r\n");
    }
    request.append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
    return RawHttp.exchange(node.port(), request.toString());
  }

  @Test
  void everyWrongKeyGets401AndTheRightOne200() throws Exception {
    List<String[]> wrong = new ArrayList<>();
    String last = KEY.substring(0, KEY.length() - 1) + "X";
    for (String guess :
        List.of(
            "X" + KEY.substring(1),
            last,
            KEY.substring(0, KEY.length() - 1),
            KEY + "x",
            KEY.toUpperCase(),
            "wrong-key-of-the-same-length-00")) {
      LogScan.secret(guess);
      wrong.add(new String[] {"Authorization: apikey " + guess});
      wrong.add(new String[] {"X-API-Key: " + guess});
    }
    wrong.add(new String[] {});
    wrong.add(new String[] {"Authorization: apikey"});
    wrong.add(new String[] {"Authorization: apikey "});
    wrong.add(new String[] {"Authorization: Bearer " + KEY}); // not the API's scheme
    wrong.add(new String[] {"Authorization: " + KEY});
    wrong.add(new String[] {"X-API-Key: "});
    // Authorization wins over X-API-Key: a wrong one is not rescued by a right one.
    wrong.add(new String[] {"Authorization: apikey " + last, "X-API-Key: " + KEY});
    for (String[] headers : wrong) {
      RawHttp.Answer a = publish(headers);
      assertEquals(401, a.status(), String.join(" | ", headers));
      assertEquals(
          "unauthorized",
          new JsonObject(a.body()).getJsonObject("error").getString("code"),
          a.raw());
    }
    assertEquals(200, publish("Authorization: apikey " + KEY).status());
    assertEquals(200, publish("authorization: APIKEY " + KEY).status()); // scheme is case-blind
    assertEquals(200, publish("X-API-Key: " + KEY).status());
  }

  @Test
  void aMegabyteKeyIsRefusedWith431BeforeAnyCheck() throws Exception {
    String huge = LogScan.secret("k".repeat(1 << 20));
    // Written from another thread: the node answers after the first 8 KB of headers and closes.
    try (java.net.Socket s = RawHttp.open(node.port())) {
      Thread writer =
          new Thread(
              () -> {
                try {
                  RawHttp.send(
                      s,
                      "GET /api/topics/room:api/subscribers HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: "
                          + huge
                          + "\r\n\r\n");
                } catch (java.io.IOException closedOnUs) {
                  // expected once the node has answered
                }
              });
      writer.start();
      RawHttp.Answer a = RawHttp.readUntilClosed(s);
      writer.join(TestNode.DEADLINE.toMillis());
      assertEquals(431, a.status(), a.raw());
    }
    try (TestSocket bystander = node.connect("bystander")) {
      assertEquals("ok", TestSocket.status(bystander.join("1", "room:api")));
    }
    assertTrue(LogScan.recordsSoFar() > 0, "the scan saw the node's log");
  }
}
