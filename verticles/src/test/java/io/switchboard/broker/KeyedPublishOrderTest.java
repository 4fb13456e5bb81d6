package io.switchboard.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.history.PublishOutcome;
import io.switchboard.idempotency.IdempotencyStore;
import io.switchboard.idempotency.IdempotencyUnavailable;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.support.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A keyed publish on a topic without history waits for its claim (in a cluster, a round trip); what
 * the publisher sends on the topic meanwhile goes out after it, in call order, whatever order the
 * claims are answered in. The claims here are answered by hand.
 */
class KeyedPublishOrderTest {
  final List<Promise<Boolean>> claims = new ArrayList<>();
  final IdempotencyStore store =
      key -> {
        Promise<Boolean> p = Promise.promise();
        claims.add(p);
        return p.future();
      };
  final LocalBroker broker =
      new LocalBroker(
          ClusterLink.NONE, null, store, new SwitchboardMeters(new SimpleMeterRegistry()));
  final List<String> got = new CopyOnWriteArrayList<>();

  Future<PublishOutcome> publish(String event, String key) {
    return broker.publish("plain:1", event, Buffer.buffer("{}"), false, key);
  }

  @Test
  void publishesBehindAWaitingClaimGoOutAfterItInCallOrder() {
    Await.result(broker.subscribe("plain:1", (topic, frame) -> got.add(frame.bytes().toString())));
    Future<PublishOutcome> first = publish("k1", "api\u0000k1");
    Future<PublishOutcome> plain = publish("u", null);
    Future<PublishOutcome> repeat = publish("k2", "api\u0000k2");
    Future<PublishOutcome> failed = publish("k3", "api\u0000k3");
    Future<PublishOutcome> last = publish("v", null);
    assertEquals(List.of(), got, "all wait for the first claim");
    assertEquals(1, claims.size(), "claims are made in order, one at a time");

    claims.get(0).complete(true);
    assertEquals(PublishOutcome.SENT, Await.result(first));
    assertEquals(PublishOutcome.SENT, Await.result(plain));
    assertEquals(2, claims.size());
    claims.get(1).complete(false);
    assertEquals(PublishOutcome.REPEAT, Await.result(repeat));
    claims.get(2).fail("the cluster did not answer");
    assertEquals(IdempotencyUnavailable.class, Await.failure(failed).getClass());
    assertEquals(PublishOutcome.SENT, Await.result(last));
    assertEquals(
        List.of(
            "[null,null,\"plain:1\",\"k1\",{}]",
            "[null,null,\"plain:1\",\"u\",{}]",
            "[null,null,\"plain:1\",\"v\",{}]"),
        got);
    // Nothing waits now: an unkeyed publish goes out at once.
    publish("w", null);
    assertEquals(4, got.size());
  }
}
