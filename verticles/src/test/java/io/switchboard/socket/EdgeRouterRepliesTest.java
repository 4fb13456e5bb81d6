package io.switchboard.socket;

import static io.switchboard.support.TestSocket.reason;
import static io.switchboard.support.TestSocket.status;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.protocol.Addresses;
import io.switchboard.support.Await;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * An edge node (sockets only) asks a router over the event bus; here a stand-in router answers what
 * routers of other releases or other configs may answer. Every join gets a reply.
 */
class EdgeRouterRepliesTest {

  static TestNode edgeWithRouter(JsonObject joinReply) {
    TestNode node = TestNode.start(c -> c.node().roles("sockets"));
    MessageConsumer<JsonObject> router =
        node.vertx.eventBus().consumer(Addresses.ROUTE_JOIN, m -> m.reply(joinReply.copy()));
    Await.result(router.completion());
    return node;
  }

  @Test
  void aGrantFromTheReleaseBeforeNamingNoPatternIsServedByThisNodesRule() {
    // The release before this one answered {status, kind, streamBufferMax}: a rolling upgrade
    // must keep those joins working.
    JsonObject old =
        new JsonObject().put("status", "ok").put("kind", "stream").put("streamBufferMax", 1000);
    try (TestNode node = edgeWithRouter(old);
        TestSocket s = node.connect("alice")) {
      assertEquals("ok", status(s.join("1", "stream:upgrade")));
      // Served as this node's stream:* rule says: at the socket, with no router involved.
      s.send("1", "d", "stream:upgrade", "data", new JsonObject().put("value", 1));
      assertEquals("ok", status(s.reply("d")));
    }
  }

  @Test
  void aGrantUnderARuleThisNodeLacksIsAnsweredJoinCrashed() {
    JsonObject other = new JsonObject().put("status", "ok").put("pattern", "elsewhere:*");
    try (TestNode node = edgeWithRouter(other);
        TestSocket s = node.connect("alice")) {
      assertEquals("join crashed", reason(s.join("1", "room:mismatch")));
      // The socket goes on: a heartbeat is still answered.
      s.send(null, "h", "phoenix", "heartbeat", new JsonObject());
      assertEquals("ok", status(s.reply("h")));
    }
  }
}
