package io.switchboard.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * realtime-js's REST broadcast ({@code POST /realtime/v1/api/broadcast}): the token's user must be
 * allowed to join each topic, browsers get CORS for the socket's origins. realtime-js itself:
 * RealtimeJsClientTest.
 */
class RealtimeBroadcastApiTest {
  static TestNode node;
  static HttpClient http;

  @BeforeAll
  static void start() {
    node =
        TestNode.start(
            c -> {
              c.addChannel("realtime:inbox:*", "realtime", "own");
              c.addChannel("realtime:*", "realtime", "authenticated");
            });
    http = node.vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static HttpClientResponse post(String token, String origin, JsonObject body) {
    RequestOptions o =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost("127.0.0.1")
            .setPort(node.port())
            .setURI("/realtime/v1/api/broadcast")
            .putHeader("Content-Type", "application/json");
    if (token != null) {
      o.putHeader("Authorization", "Bearer " + token);
    }
    if (origin != null) {
      o.putHeader("Origin", origin);
    }
    return Await.result(http.request(o).compose(r -> r.send(body.encode())));
  }

  private static JsonObject messages(String topic) {
    return new JsonObject()
        .put(
            "messages",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("topic", topic)
                        .put("event", "note")
                        .put("payload", new JsonObject().put("n", 1))));
  }

  @Test
  void aTopicTheUserMayNotJoinIsRefusedAndOneItMayIsBroadcast() {
    try (TestSocket bob =
        TestSocket.connectTo(
            node.client(),
            node.port(),
            "/realtime/v1/websocket?apikey=" + node.token("bob") + "&vsn=2.0.0")) {
      bob.sendText("[\"1\",\"1\",\"realtime:inbox:bob\",\"phx_join\",{}]");
      assertEquals("ok", TestSocket.status(bob.reply("1")));

      assertEquals(403, post(node.token("alice"), null, messages("inbox:bob")).statusCode());
      assertEquals(401, post(null, null, messages("inbox:bob")).statusCode());
      assertEquals(401, post("forged", null, messages("inbox:bob")).statusCode());
      assertEquals(202, post(node.token("bob"), null, messages("inbox:bob")).statusCode());
      JsonObject heard = bob.event("realtime:inbox:bob", "broadcast").getJsonObject(4);
      assertEquals("note", heard.getString("event"));
      assertEquals(1, heard.getJsonObject("payload").getInteger("n"));
    }
  }

  @Test
  void badBodiesAre400AndForeignOrigins403() {
    String token = node.token("carol");
    assertEquals(400, post(token, null, new JsonObject()).statusCode());
    assertEquals(
        400,
        post(token, null, new JsonObject().put("messages", new JsonArray().add("nope")))
            .statusCode());
    assertEquals(403, post(token, "https://evil.example", messages("room")).statusCode());
    HttpClientResponse own = post(token, "http://127.0.0.1:" + node.port(), messages("room"));
    assertEquals(202, own.statusCode());
    assertTrue(
        ("http://127.0.0.1:" + node.port()).equals(own.getHeader("Access-Control-Allow-Origin")));
  }
}
