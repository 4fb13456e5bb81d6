package io.switchboard.fuzz;

import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.vertx.core.json.JsonObject;

/**
 * Two ordinary clients on one topic that must go on talking while the fuzzer attacks the node: a
 * round is a push from each that the other receives (ping, then pong), checked with a deadline.
 */
final class Bystanders implements AutoCloseable {
  static final String TOPIC = "room:bystanders";

  private final TestSocket ping;
  private final TestSocket pong;
  private int rounds;

  Bystanders(TestNode node) {
    this.ping = node.connect("bystander-ping");
    this.pong = node.connect("bystander-pong");
    ping.join("b1", TOPIC);
    pong.join("b1", TOPIC);
  }

  synchronized void round() {
    int n = ++rounds;
    exchange(ping, pong, "ping-" + n);
    exchange(pong, ping, "pong-" + n);
  }

  private static void exchange(TestSocket from, TestSocket to, String marker) {
    from.send("b1", marker, TOPIC, "shout", new JsonObject().put("marker", marker));
    String status = TestSocket.status(from.reply(marker));
    if (!"ok".equals(status)) {
      throw new AssertionError("bystander push " + marker + " answered " + status);
    }
    to.await(
        "the other bystander's " + marker,
        a ->
            "shout".equals(a.getString(3))
                && marker.equals(a.getJsonObject(4).getString("marker")));
  }

  synchronized int rounds() {
    return rounds;
  }

  @Override
  public void close() {
    ping.close();
    pong.close();
  }
}
