package io.switchboard.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.support.Await;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backend HTTP API over real HTTP: auth, errors with stable codes, publish, disconnect, counts.
 */
class HttpApiTest {
  static final String KEY = "api-key-for-tests-0123456789";
  static TestNode node;
  static HttpClient http;

  record Response(int status, JsonObject body) {
    String code() {
      return body.getJsonObject("error").getString("code");
    }
  }

  @BeforeAll
  static void start() {
    node = TestNode.start(c -> c.api().key(KEY).maxBodyBytes(4096));
    http = node.vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static Response call(TestNode n, HttpMethod method, String path, String key, String body) {
    RequestOptions options =
        new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(n.port()).setURI(path);
    if (key != null) {
      options.putHeader("Authorization", "apikey " + key);
    }
    return Await.result(
        http.request(options)
            .compose(
                req ->
                    (body == null ? req.send() : req.send(Buffer.buffer(body)))
                        .compose(
                            resp ->
                                resp.body()
                                    .map(
                                        b -> new Response(resp.statusCode(), new JsonObject(b))))));
  }

  @Test
  void publishReachesPhoenixSubscribers() {
    try (TestSocket s = node.connect("u1")) {
      s.join("1", "room:api");
      Response r =
          call(
              node,
              HttpMethod.POST,
              "/api/publish",
              KEY,
              "{\"topic\":\"room:api\",\"event\":\"news\",\"payload\":{\"headline\":\"hi\"}}");
      assertEquals(200, r.status());
      assertEquals("ok", r.body().getString("status"));
      assertEquals("hi", s.event("room:api", "news").getJsonObject(4).getString("headline"));
    }
  }

  @Test
  void loneSurrogatesInAPublishAreA400AndTheSubscriberStillServed() {
    try (TestSocket s = node.connect("u-sur")) {
      s.join("1", "room:api-sur");
      for (String body :
          java.util.List.of(
              "{\"topic\":\"room:api-sur\",\"event\":\"\\ud800\",\"payload\":{}}",
              "{\"topic\":\"room:\\udc00\",\"event\":\"news\",\"payload\":{}}")) {
        Response r = call(node, HttpMethod.POST, "/api/publish", KEY, body);
        assertEquals(400, r.status(), body);
        assertEquals("invalid_request", r.code(), body);
      }
      // Inside a payload a lone surrogate is just JSON text, as a socket's push forwards it.
      for (String text : java.util.List.of("\\ud83d\\ude00", "\\ud800")) {
        Response fine =
            call(
                node,
                HttpMethod.POST,
                "/api/publish",
                KEY,
                "{\"topic\":\"room:api-sur\",\"event\":\"news\",\"payload\":{\"s\":\""
                    + text
                    + "\"}}");
        assertEquals(200, fine.status());
        assertEquals(
            new JsonObject("{\"s\":\"" + text + "\"}").getString("s"),
            s.event("room:api-sur", "news").getJsonObject(4).getString("s"));
      }
    }
  }

  @Test
  void errorsCarryStableCodes() {
    assertEquals("unauthorized", call(node, HttpMethod.POST, "/api/publish", null, "{}").code());
    assertEquals(
        401, call(node, HttpMethod.POST, "/api/publish", "wrong-key-wrong-key", "{}").status());
    Response badJson = call(node, HttpMethod.POST, "/api/publish", KEY, "{not json");
    assertEquals(400, badJson.status());
    assertEquals("invalid_json", badJson.code());
    Response noTopic =
        call(node, HttpMethod.POST, "/api/publish", KEY, "{\"event\":\"e\",\"payload\":{}}");
    assertEquals(400, noTopic.status());
    assertEquals("invalid_request", noTopic.code());
    Response unknown = call(node, HttpMethod.POST, "/api/nope", KEY, "{}");
    assertEquals(404, unknown.status());
    assertEquals("not_found", unknown.code());
    Response wrongMethod = call(node, HttpMethod.GET, "/api/publish", KEY, null);
    assertEquals(405, wrongMethod.status());
    assertEquals("method_not_allowed", wrongMethod.code());
    Response big =
        call(
            node,
            HttpMethod.POST,
            "/api/publish",
            KEY,
            "{\"topic\":\"room:a\",\"event\":\"e\",\"payload\":{\"x\":\""
                + "a".repeat(5000)
                + "\"}}");
    assertEquals(413, big.status());
    assertEquals("payload_too_large", big.code());
  }

  @Test
  void withoutAKeyTheApiIsDisabled() {
    try (TestNode plain = TestNode.start()) {
      Response r = call(plain, HttpMethod.POST, "/api/publish", "anything-anything", "{}");
      assertEquals(503, r.status());
      assertEquals("api_disabled", r.code());
    }
  }

  @Test
  void disconnectClosesTheUsersSockets() {
    try (TestSocket s = node.connect("kicked")) {
      assertEquals(
          200,
          call(node, HttpMethod.POST, "/api/disconnect", KEY, "{\"user\":\"kicked\"}").status());
      assertEquals(1001, s.closeCode());
    }
  }

  @Test
  void subscriberCountFollowsJoinsAndLeaves() {
    try (TestSocket a = node.connect("a");
        TestSocket b = node.connect("b")) {
      a.join("1", "chat:count");
      b.join("1", "chat:count");
      assertEquals(
          2,
          call(node, HttpMethod.GET, "/api/topics/chat:count/subscribers", KEY, null)
              .body()
              .getInteger("subscribers"));
      b.send("1", "2", "chat:count", "phx_leave", new JsonObject());
      b.reply("2");
      assertEquals(
          1,
          call(node, HttpMethod.GET, "/api/topics/chat:count/subscribers", KEY, null)
              .body()
              .getInteger("subscribers"));
    }
  }
}
