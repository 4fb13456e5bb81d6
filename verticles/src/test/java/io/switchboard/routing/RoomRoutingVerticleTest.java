package io.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.auth.Principal;
import io.switchboard.broker.BroadcastSink;
import io.switchboard.broker.ClusterLink;
import io.switchboard.broker.LocalBroker;
import io.switchboard.config.ConfigReader;
import io.switchboard.config.SwitchboardConfig;
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
}
