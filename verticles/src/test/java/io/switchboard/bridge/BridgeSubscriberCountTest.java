package io.switchboard.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.support.Await;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * A topic's subscribers are every member the node's broker has: Phoenix sockets and event bus
 * bridge clients alike (the README's server API section), and a bridge client that goes leaves no
 * count.
 */
class BridgeSubscriberCountTest {
  static final String KEY = "bridge-count-api-key-0123456789";

  static int count(TestNode node, HttpClient http, String topic) {
    return Await.result(
        http.request(
                new RequestOptions()
                    .setMethod(HttpMethod.GET)
                    .setHost("127.0.0.1")
                    .setPort(node.port())
                    .setURI("/api/topics/" + topic + "/subscribers")
                    .putHeader("Authorization", "apikey " + KEY))
            .compose(r -> r.send().compose(resp -> resp.body()))
            .map(b -> new JsonObject(b).getInteger("subscribers")));
  }

  @Test
  void bridgeClientsCountAsSubscribersUntilTheyGo() {
    try (TestNode node = TestNode.start(c -> c.api().key(KEY));
        TestSocket s = node.connect("alice")) {
      HttpClient http = node.vertx.createHttpClient();
      s.join("1", "room:counted");
      assertEquals(1, count(node, http, "room:counted"));
      WebSocket bridge =
          Await.result(
              node.client()
                  .connect(
                      new WebSocketConnectOptions()
                          .setHost("127.0.0.1")
                          .setPort(node.port())
                          .setURI("/eventbus/websocket?token=" + node.token("bob"))));
      Await.result(
          bridge.writeTextMessage(
              new JsonObject()
                  .put("type", "register")
                  .put("address", "topic:room:counted")
                  .encode()));
      Await.until("the bridge client is counted", () -> count(node, http, "room:counted") == 2);
      Await.result(bridge.close());
      Await.until("the bridge client is gone", () -> count(node, http, "room:counted") == 1);
    }
  }
}
