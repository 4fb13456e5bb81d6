package io.switchboard.socket;

import static io.switchboard.support.TestSocket.reason;
import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.Addresses;
import io.switchboard.support.Await;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every row of the Phoenix V2 frame table, against a real node over real WebSockets. */
class ChannelProtocolTest {
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void heartbeatIsAnsweredOnThePhoenixTopic() {
    try (TestSocket s = node.connect("u1")) {
      s.send(null, "7", "phoenix", "heartbeat", new JsonObject());
      JsonArray reply = s.reply("7");
      assertEquals(
          new JsonArray()
              .addNull()
              .add("7")
              .add("phoenix")
              .add("phx_reply")
              .add(new JsonObject().put("status", "ok").put("response", new JsonObject())),
          reply);
    }
  }

  @Test
  void joinIsAnsweredWithTheJoinRefsEchoedAsStrings() {
    try (TestSocket s = node.connect("u1")) {
      JsonArray reply = s.join("5", "room:join");
      assertEquals("5", reply.getString(0));
      assertEquals("5", reply.getString(1));
      assertEquals("room:join", reply.getString(2));
      assertEquals("ok", status(reply));
    }
  }

  @Test
  void broadcastReachesEverySubscriberSenderIncludedWithPayloadUnchanged() {
    try (TestSocket a = node.connect("alice");
        TestSocket b = node.connect("bob");
        TestSocket other = node.connect("carol")) {
      a.join("1", "room:42");
      b.join("3", "room:42");
      other.join("1", "room:43");
      JsonObject payload =
          new JsonObject()
              .put("body", "hé \"quoted\" ✓")
              .put("n", 1.5)
              .put("nested", new JsonObject().put("a", new JsonArray().add(1)));
      a.send("1", "2", "room:42", "shout", payload);
      JsonArray reply = a.reply("2");
      assertEquals("ok", status(reply));
      // room:* keeps history: the ok says where the broadcast went, and its ref slot says the same.
      JsonObject at = reply.getJsonObject(4).getJsonObject("response");
      for (TestSocket s : List.of(a, b)) {
        JsonArray got = s.event("room:42", "shout");
        assertNull(got.getValue(0));
        assertEquals(at.getString("epoch") + ":" + at.getLong("offset"), got.getString(1));
        assertEquals(payload, got.getJsonObject(4));
      }
      // carol is on another topic: her next frame is the heartbeat reply, not the shout.
      other.send(null, "9", "phoenix", "heartbeat", new JsonObject());
      List<Object> before = other.drainUntil("heartbeat reply", f -> "9".equals(f.getString(1)));
      assertTrue(before.isEmpty(), "carol received " + before);
    }
  }

  @Test
  void eventsOutsideTheAllowListAreRefused() {
    try (TestSocket s = node.connect("u1")) {
      s.join("1", "chat:x");
      s.send("1", "2", "chat:x", "phx_sneaky", new JsonObject());
      JsonArray reply = s.reply("2");
      assertEquals("error", status(reply));
      assertEquals("event not allowed", reason(reply));
    }
  }

  @Test
  void leaveIsAnsweredThenClosedAndStopsBroadcasts() {
    try (TestSocket s = node.connect("u1");
        TestSocket sender = node.connect("u2")) {
      s.join("1", "room:leave");
      sender.join("1", "room:leave");
      s.send("1", "2", "room:leave", "phx_leave", new JsonObject());
      JsonArray reply = s.reply("2");
      assertEquals(List.of("1", "2", "room:leave", "phx_reply"), reply.getList().subList(0, 4));
      assertEquals("ok", status(reply));
      JsonArray close = s.event("room:leave", "phx_close");
      assertEquals("1", close.getString(0));
      assertEquals("1", close.getString(1));
      sender.send("1", "3", "room:leave", "shout", new JsonObject().put("after", "leave"));
      sender.reply("3");
      s.send(null, "4", "phoenix", "heartbeat", new JsonObject());
      assertTrue(s.drainUntil("heartbeat reply", f -> "4".equals(f.getString(1))).isEmpty());
    }
  }

  @Test
  void pushOrLeaveOnATopicNotJoinedIsUnmatched() {
    try (TestSocket s = node.connect("u1")) {
      s.send("1", "2", "room:nope", "shout", new JsonObject());
      JsonArray push = s.reply("2");
      assertNull(push.getValue(0));
      assertEquals("unmatched topic", reason(push));
      s.send("1", "3", "room:nope", "phx_leave", new JsonObject());
      assertEquals("unmatched topic", reason(s.reply("3")));
    }
  }

  @Test
  void joinOfATopicNoChannelServesIsRefused() {
    try (TestSocket s = node.connect("u1")) {
      JsonArray reply = s.join("1", "unknown:1");
      assertEquals("error", status(reply));
      assertEquals("unmatched topic", reason(reply));
      assertEquals("unmatched topic", reason(s.join("2", "phoenix")));
    }
  }

  @Test
  void duplicateJoinAnswersTheNewJoinThenClosesTheOld() {
    try (TestSocket s = node.connect("u1")) {
      s.join("1", "room:dup");
      s.send("3", "3", "room:dup", "phx_join", new JsonObject());
      List<Object> before =
          s.drainUntil("reply to the second join", f -> "3".equals(f.getString(1)));
      assertTrue(before.isEmpty(), "frames before the reply: " + before);
      assertEquals("ok", status(s.reply("3")));
      JsonArray close = s.event("room:dup", "phx_close");
      assertEquals("1", close.getString(0));
      // A push with the stale join_ref is dropped; one with the new join_ref is served.
      s.send("1", "4", "room:dup", "shout", new JsonObject());
      s.send("3", "5", "room:dup", "shout", new JsonObject());
      List<Object> skipped =
          s.drainUntil(
              "reply to ref 5",
              f -> "5".equals(f.getString(1)) && "phx_reply".equals(f.getString(3)));
      assertTrue(
          skipped.stream().noneMatch(f -> f instanceof JsonArray a && "4".equals(a.getString(1))),
          "stale push answered: " + skipped);
      assertEquals("ok", status(s.reply("5")));
    }
  }

  @Test
  void channelsPerSocketAreBounded() {
    try (TestNode small = TestNode.start(c -> c.limits().maxChannelsPerSocket(2));
        TestSocket s = small.connect("u1")) {
      assertEquals("ok", status(s.join("1", "room:a")));
      assertEquals("ok", status(s.join("2", "room:b")));
      JsonArray third = s.join("3", "room:c");
      assertEquals("too many channels joined", reason(third));
      assertEquals(
          "ok", status(s.join("4", "room:a")), "rejoining a joined topic is not a new channel");
    }
  }

  @Test
  void backendPublishReachesServerPushSubscribersAndClientPushIsRefused() {
    try (TestSocket s = node.connect("42")) {
      assertEquals("ok", status(s.join("1", "notifications:42")));
      s.send("1", "2", "notifications:42", "message", new JsonObject());
      assertEquals("push not allowed", reason(s.reply("2")));
      JsonObject payload = new JsonObject().put("text", "you have mail");
      Await.result(
          node.vertx
              .eventBus()
              .request(
                  Addresses.PUBLISH,
                  new JsonObject()
                      .put("topic", "notifications:42")
                      .put("event", "new_mail")
                      .put("payload", payload)));
      JsonArray pushed = s.event("notifications:42", "new_mail");
      assertEquals(payload, pushed.getJsonObject(4));
    }
  }

  @Test
  void backendPublishWithBadBodyFailsWithAReason() {
    Throwable err =
        Await.failure(
            node.vertx.eventBus().request(Addresses.PUBLISH, new JsonObject().put("event", "x")));
    assertTrue(err.getMessage().contains("topic"), err.getMessage());
  }

  @Test
  void ingestEventsAreAcknowledgedAndForwardedToBackends() {
    var received = new java.util.concurrent.CompletableFuture<JsonObject>();
    var consumer =
        node.vertx
            .eventBus()
            .<JsonObject>consumer(Addresses.INGEST, m -> received.complete(m.body()));
    Await.result(consumer.completion());
    try (TestSocket s = node.connect("u7")) {
      s.join("1", "analytics:web");
      s.send("1", "2", "analytics:web", "page_view", new JsonObject().put("path", "/home"));
      assertEquals("ok", status(s.reply("2")));
      JsonObject msg = received.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals("analytics:web", msg.getString("topic"));
      assertEquals("page_view", msg.getString("event"));
      assertEquals("u7", msg.getString("user"));
      assertEquals("/home", msg.getJsonObject("payload").getString("path"));
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      consumer.unregister();
    }
  }
}
