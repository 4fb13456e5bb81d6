package io.switchboard.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.support.Await;
import io.switchboard.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A backend that keeps its connections alive and sends many publishes at once (as an HTTP client's
 * pool does) gets every one answered: the socket port's read timeouts and caps must not eat
 * requests queued on a kept-alive connection.
 */
class KeepAlivePublishTest {
  static final String KEY = "api-key-for-tests-0123456789";

  @Test
  void hundredsOfPublishesOverKeptAliveConnectionsAreAllAnswered() {
    try (TestNode node = TestNode.start(c -> c.api().key(KEY))) {
      HttpClient http = node.vertx.createHttpClient();
      for (int round = 0; round < 10; round++) {
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          JsonObject body =
              new JsonObject()
                  .put("topic", "room:keepalive-" + round)
                  .put("event", "shout")
                  .put("payload", new JsonObject().put("i", i));
          answers.add(
              http.request(
                      new RequestOptions()
                          .setMethod(HttpMethod.POST)
                          .setHost("127.0.0.1")
                          .setPort(node.port())
                          .setURI("/api/publish")
                          .putHeader("Authorization", "apikey " + KEY))
                  .compose(req -> req.send(body.toBuffer()))
                  .compose(resp -> resp.body().map(b -> resp.statusCode())));
        }
        for (Future<Integer> a : answers) {
          assertEquals(200, Await.result(a));
        }
      }
    }
  }
}
