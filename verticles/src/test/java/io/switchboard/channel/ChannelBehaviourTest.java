package io.switchboard.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.ChannelRule;
import io.switchboard.config.ConfigReader;
import io.switchboard.protocol.Frame;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each channel kind's behaviour on its own, through an in-memory session and services: no sockets,
 * no event bus. The rules are read the way a node reads them, from {@code channels[]}.
 */
class ChannelBehaviourTest {
  static final JsonArray RULES =
      new JsonArray()
          .add(
              new JsonObject()
                  .put("pattern", "room:*")
                  .put("kind", "broadcast")
                  .put("compressAboveBytes", 1024))
          .add(
              new JsonObject()
                  .put("pattern", "notifications:*")
                  .put("kind", "server-push")
                  .put("join", "own"))
          .add(new JsonObject().put("pattern", "analytics:*").put("kind", "ingest"))
          .add(new JsonObject().put("pattern", "batch:*").put("kind", "batch"))
          .add(
              new JsonObject()
                  .put("pattern", "stream:*")
                  .put("kind", "stream")
                  .put("streamBufferMax", 3));

  final RecordingSession session = new RecordingSession("alice", 1_000);
  final RecordingServices services = session.services;

  static ChannelRule rule(String topic) {
    return ConfigReader.read(new JsonObject().put("channels", RULES)).ruleFor(topic).orElseThrow();
  }

  static JoinedChannel joined(String topic) {
    ChannelRule rule = rule(topic);
    return new JoinedChannel("1", topic, rule, ChannelKinds.behaviour(rule.kind()));
  }

  static ClientEvent event(String topic, String event, String json) {
    return new ClientEvent(
        rule(topic),
        topic,
        event,
        new io.switchboard.auth.Principal("alice", java.util.Set.of()),
        Buffer.buffer(json),
        false);
  }

  static Frame push(String topic, String ref, String event, String json) {
    return Frame.json("1", ref, topic, event, json);
  }

  @Test
  void broadcastPublishesTheClientEventUnchanged() {
    ChannelBehaviour b = ChannelKinds.behaviour(rule("room:1").kind());
    assertEquals(RouteDecision.ACCEPTED, b.accept(services, event("room:1", "shout", "{\"a\":1}")));
    Publication p = services.broadcasts.get(0);
    assertEquals(
        List.of("room:1", "shout", "{\"a\":1}"),
        List.of(p.topic(), p.event(), p.payload().toString()));
    assertEquals(
        1024, p.rule().options().compressAboveBytes(), "the rule travels with it, for compression");
  }

  @Test
  void routedKindsHandTheirClientEventsToRouting() {
    for (String topic : List.of("room:1", "notifications:alice", "analytics:x", "batch:1")) {
      JoinedChannel ch = joined(topic);
      ch.behaviour().handleIn(session, ch, push(topic, "2", "shout", "{}"));
    }
    assertEquals(4, session.routed.size());
    assertTrue(session.sent.isEmpty(), "routing answers, not the channel");
  }

  @Test
  void serverPushRefusesClientEventsAndBroadcastsBackendPublishes() {
    ChannelBehaviour b = ChannelKinds.behaviour(rule("notifications:alice").kind());
    assertEquals(
        new RouteDecision.Rejected("push not allowed"),
        b.accept(services, event("notifications:alice", "message", "{}")));
    assertTrue(services.broadcasts.isEmpty());
    b.handlePublish(
        services,
        new Publication(
            rule("notifications:alice"), "notifications:alice", "n", Buffer.buffer("{}"), false));
    assertEquals(1, services.broadcasts.size());
  }

  @Test
  void ingestHandsEventsToBackendsWithTheUser() {
    ChannelBehaviour b = ChannelKinds.behaviour(rule("analytics:x").kind());
    assertEquals(
        RouteDecision.ACCEPTED, b.accept(services, event("analytics:x", "click", "{\"id\":7}")));
    JsonObject m = services.ingested.get(0);
    assertEquals("analytics:x", m.getString("topic"));
    assertEquals("click", m.getString("event"));
    assertEquals("alice", m.getString("user"));
    assertEquals(7, m.getJsonObject("payload").getInteger("id"));
    assertTrue(m.getLong("received_at") > 0);
    assertTrue(services.broadcasts.isEmpty(), "ingest never broadcasts");
  }

  @Test
  void batchCollectsJsonRefusesBinaryAndFlushesOnLeave() {
    JoinedChannel ch = joined("batch:1");
    ChannelBehaviour b = ch.behaviour();
    assertEquals(
        RouteDecision.ACCEPTED, b.accept(services, event("batch:1", "add_message", "{\"n\":1}")));
    assertEquals(
        RouteDecision.ACCEPTED,
        b.handlePublish(
            services,
            new Publication(rule("batch:1"), "batch:1", "x", Buffer.buffer("{\"n\":2}"), false)));
    assertEquals(List.of("batch:1 {\"n\":1}", "batch:1 {\"n\":2}"), services.batched);
    RouteDecision binary =
        b.handlePublish(
            services,
            new Publication(rule("batch:1"), "batch:1", "x", Buffer.buffer(new byte[] {1}), true));
    assertEquals(
        new RouteDecision.Rejected("invalid payload: batches carry JSON payloads only"), binary);
    assertTrue(
        services.broadcasts.isEmpty(), "batches are broadcast by the batching verticle, not here");
    b.leave(session, ch);
    assertEquals(List.of("batch:1"), services.batchFlushes);
  }

  @Test
  void streamBuffersUpToItsBoundThrottlesAndFlushes() {
    JoinedChannel ch = joined("stream:s");
    ChannelBehaviour b = ch.behaviour();
    for (int i = 0; i < 3; i++) {
      b.handleIn(session, ch, push("stream:s", "d" + i, "data", "{\"value\":" + i + "}"));
    }
    // The third value fills the buffer: its ok, then the throttle.
    assertEquals("throttle", session.last().getString(3));
    assertEquals(
        new JsonObject().put("buffered", 3).put("max", 3).put("reason", "buffer_full"),
        session.last().getJsonObject(4));
    b.handleIn(session, ch, push("stream:s", "d3", "data", "{\"value\":3}"));
    assertEquals("error {\"reason\":\"buffer full\"}", session.lastReply());
    assertTrue(session.routed.isEmpty(), "stream channels are served at the socket");

    b.handleIn(session, ch, push("stream:s", "f", "flush", "{}"));
    assertEquals("ok {\"count\":3}", session.lastReply());
    assertEquals(
        new JsonObject()
            .put("topic", "stream:s")
            .put("user", "alice")
            .put("values", new JsonArray(List.of(0, 1, 2))),
        services.streamed.get(0));
    assertEquals(0, session.bufferBudget().used(), "a flush frees the socket's bytes");
  }

  @Test
  void streamRefusesBadDataAndOtherEvents() {
    JoinedChannel ch = joined("stream:s");
    ch.behaviour().handleIn(session, ch, push("stream:s", "1", "data", "{\"no_value\":1}"));
    assertEquals(
        "error {\"reason\":\"invalid payload: data needs {\\\"value\\\": ...}\"}",
        session.lastReply());
    ch.behaviour().handleIn(session, ch, push("stream:s", "2", "shout", "{}"));
    assertEquals("error {\"reason\":\"event not allowed\"}", session.lastReply());
  }

  @Test
  void streamSharesTheSocketsByteBudgetAndSaysSoOnce() {
    RecordingSession small = new RecordingSession("alice", 40);
    JoinedChannel a = joined("stream:a");
    JoinedChannel other = joined("stream:b");
    String value = "{\"value\":\"" + "x".repeat(20) + "\"}"; // 32 bytes
    a.behaviour().handleIn(small, a, push("stream:a", "1", "data", value));
    other.behaviour().handleIn(small, other, push("stream:b", "2", "data", value));
    JsonArray refusal = small.sent.get(small.sent.size() - 2);
    assertEquals("error", refusal.getJsonObject(4).getString("status"));
    assertEquals(
        "buffer full", refusal.getJsonObject(4).getJsonObject("response").getString("reason"));
    assertEquals("throttle", small.last().getString(3), "then the byte budget's throttle");
    JsonObject throttle = small.last().getJsonObject(4);
    assertEquals(32, throttle.getInteger("buffered_bytes"));
    assertEquals(40, throttle.getInteger("max_bytes"));
    int sent = small.sent.size();
    other.behaviour().handleIn(small, other, push("stream:b", "3", "data", value));
    assertEquals(
        sent + 1, small.sent.size(), "a second refusal is a reply only, no second throttle");
  }

  @Test
  void leavingOrClosingHandsTheStreamBufferOn() {
    JoinedChannel ch = joined("stream:s");
    ch.behaviour().handleIn(session, ch, push("stream:s", "1", "data", "{\"value\":1}"));
    ch.behaviour().terminate(session, ch);
    assertEquals(1, services.streamed.size());
    assertEquals(0, session.bufferBudget().used());
    ch.behaviour().leave(session, ch);
    assertEquals(1, services.streamed.size(), "nothing buffered, nothing handed on");
  }
}
