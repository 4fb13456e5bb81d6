package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;

/**
 * Join latency of a fleet's sockets, from the join frame's send to its ok reply: over all sockets
 * and per target node (socket k went to node k % nodes), plus the joins sent and never answered.
 * Read on the fleet's event loop, which owns the sockets.
 */
record JoinLatencies(LatencyReport all, LatencyReport[] perNode, int unanswered) {

  static Future<JoinLatencies> of(Fleet fleet, int nodes) {
    Promise<JoinLatencies> p = Promise.promise();
    fleet.context.runOnContext(
        v -> {
          LatencyReport all = new LatencyReport();
          LatencyReport[] perNode = new LatencyReport[nodes];
          for (int i = 0; i < nodes; i++) {
            perNode[i] = new LatencyReport();
          }
          int unanswered = 0;
          for (int k = 0; k < fleet.sockets.size(); k++) {
            BenchSocket s = fleet.sockets.get(k);
            if (s.joinSentNanos == 0) {
              continue; // never connected
            }
            if (!s.settled) {
              unanswered++;
            } else if (s.joined) {
              long nanos = s.joinSettledNanos - s.joinSentNanos;
              all.recordNanos(nanos);
              perNode[k % nodes].recordNanos(nanos);
            }
          }
          p.complete(new JoinLatencies(all, perNode, unanswered));
        });
    return p.future();
  }

  LatencyReport node(int i) {
    return perNode[i];
  }

  JsonArray perNodeJson() {
    JsonArray a = new JsonArray();
    for (LatencyReport r : perNode) {
      a.add(r.toJson());
    }
    return a;
  }
}
