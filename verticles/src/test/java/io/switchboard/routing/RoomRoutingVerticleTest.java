package io.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.auth.Principal;
import io.switchboard.broker.BroadcastSink;
import io.switchboard.broker.ClusterLink;
import io.switchboard.broker.LocalBroker;
import io.switchboard.channel.RouteDecision;
import io.switchboard.config.ConfigReader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.history.PublishOutcome;
import io.switchboard.node.ConfigLoader;
import io.switchboard.protocol.Addresses;
import io.switchboard.support.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The router alone, over the event bus, with the shipped channel rules: no sockets involved. */
class RoomRoutingVerticleTest {
  static Vertx vertx;
  static LocalBroker broker =
      new LocalBroker(
          ClusterLink.NONE,
          new io.switchboard.metrics.SwitchboardMeters(
              new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
  static List<String> published = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    SwitchboardConfig config = ConfigReader.read(ConfigLoader.builtIn());
    Await.result(
        vertx.deployVerticle(
            new RoomRoutingVerticle(
                config,
                broker,
                false,
                new io.switchboard.metrics.SwitchboardMeters(
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry()))));
    BroadcastSink sink = (topic, frame) -> published.add(frame.bytes().toString());
    Await.result(broker.subscribe("room:1", sink));
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  static JsonObject join(String topic, String user, Set<String> claims) {
    return Await.result(
            vertx
                .eventBus()
                .<JsonObject>request(
                    Addresses.ROUTE_JOIN, RouteMessages.join(topic, new Principal(user, claims))))
        .body();
  }

  static JsonObject push(String topic, String event) {
    return Await.result(
            vertx
                .eventBus()
                .<JsonObject>request(
                    Addresses.ROUTE_PUSH,
                    RouteMessages.push(
                        topic,
                        event,
                        new Principal("u", Set.of()),
                        Buffer.buffer("{\"k\":1}"),
                        false)))
        .body();
  }

  @Test
  void joinsFollowTheRules() {
    assertEquals("ok", join("room:1", "u", Set.of()).getString("status"));
    assertEquals("ok", join("notifications:7", "7", Set.of()).getString("status"));
    assertEquals("unauthorized", join("notifications:7", "8", Set.of()).getString("reason"));
    assertEquals("unmatched topic", join("nothing:1", "u", Set.of()).getString("reason"));
  }

  @Test
  void pushesFollowTheChannelKind() {
    assertEquals("ok", push("room:1", "shout").getString("status"));
    Await.until(
        "broadcast", () -> published.contains("[null,null,\"room:1\",\"shout\",{\"k\":1}]"));
    assertEquals("event not allowed", push("room:1", "other").getString("reason"));
    assertEquals("push not allowed", push("notifications:7", "message").getString("reason"));
    assertEquals("unmatched topic", push("nothing:1", "message").getString("reason"));
  }

  @Test
  void backendPublishValidatesItsBody() {
    for (JsonObject bad :
        List.of(
            new JsonObject().put("event", "e"),
            new JsonObject().put("topic", "room:1"),
            new JsonObject().put("topic", "room:1").put("event", "e").put("payload", "text"),
            new JsonObject().put("topic", "user_socket:1").put("event", "other"))) {
      Throwable err = Await.failure(vertx.eventBus().request(Addresses.PUBLISH, bad));
      assertEquals(400, ((ReplyException) err).failureCode(), bad.encode());
    }
    Throwable notJson = Await.failure(vertx.eventBus().request(Addresses.PUBLISH, "just text"));
    assertTrue(notJson.getMessage().contains("JSON object"));
  }

  static JsonObject push(String topic, String user, String payload) {
    return Await.result(
            vertx
                .eventBus()
                .<JsonObject>request(
                    Addresses.ROUTE_PUSH,
                    RouteMessages.push(
                        topic,
                        "shout",
                        new Principal(user, Set.of()),
                        Buffer.buffer(payload),
                        false)))
        .body();
  }

  @Test
  void anEdgeNodesRepeatedPushIsAnsweredDuplicateAndPublishedOnce() {
    String payload = "{\"n\":\"edge\",\"idempotency_key\":\"k-edge\"}";
    String frame = "[null,null,\"room:1\",\"shout\"," + payload + "]";
    assertEquals(new JsonObject().put("status", "ok"), push("room:1", "u", payload));
    JsonObject again = push("room:1", "u", payload);
    assertEquals(new JsonObject().put("status", "ok").put("duplicate", true), again);
    RouteDecision decoded = RouteMessages.decode(again);
    assertEquals(
        PublishOutcome.REPEAT, Await.result(((RouteDecision.Published) decoded).outcome()));
    assertEquals(new JsonObject().put("status", "ok"), push("room:1", "v", payload), "v's own");
    assertEquals(
        "invalid idempotency key",
        push("room:1", "u", "{\"idempotency_key\":5}").getString("reason"));
    Await.until("both broadcasts", () -> published.stream().filter(frame::equals).count() == 2);
    // A later publish on the topic went out after them: the repeat never will.
    push("room:1", "u", "{\"n\":\"after\"}");
    Await.until(
        "the marker",
        () -> published.contains("[null,null,\"room:1\",\"shout\",{\"n\":\"after\"}]"));
    assertEquals(2, published.stream().filter(frame::equals).count());
  }

  @Test
  void aBackendPublishWithABadKeyIsA400() {
    for (Object bad : List.of("", 3, "x".repeat(129))) {
      JsonObject body =
          new JsonObject().put("topic", "room:1").put("event", "e").put("idempotency_key", bad);
      Throwable err = Await.failure(vertx.eventBus().request(Addresses.PUBLISH, body));
      assertEquals(400, ((ReplyException) err).failureCode(), body.encode());
      assertTrue(err.getMessage().contains("idempotency_key must be a string"), err.getMessage());
    }
  }
}
