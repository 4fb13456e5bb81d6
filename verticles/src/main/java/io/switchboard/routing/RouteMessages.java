package io.switchboard.routing;

import io.switchboard.auth.Principal;
import io.switchboard.channel.RouteDecision;
import io.switchboard.cluster.ClusterUnavailable;
import io.switchboard.config.ChannelRule;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.history.PublishOutcome;
import io.switchboard.history.StreamPosition;
import io.switchboard.idempotency.IdempotencyUnavailable;
import io.switchboard.protocol.Events;
import io.switchboard.protocol.Reasons;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The JSON form of routing requests and {@link RouteDecision}s, for {@code switchboard.route.*}
 * between an edge node's sockets and a core node's router (different processes). In-process nothing
 * is encoded.
 *
 * <p>A granted join names its rule's pattern; the edge node finds the rule in its own config (every
 * node runs the same config).
 */
public final class RouteMessages {
  private RouteMessages() {}

  public static JsonObject join(String topic, Principal user) {
    return new JsonObject()
        .put("topic", topic)
        .put("user", user.userId())
        .put("topics", new JsonArray(List.copyOf(user.topics())));
  }

  public static JsonObject push(
      String topic, String event, Principal user, Buffer payload, boolean binary) {
    return new JsonObject()
        .put("topic", topic)
        .put("event", event)
        .put("user", user.userId())
        .put("payload", payload)
        .put("binary", binary);
  }

  /** The user a join or push request speaks for (the claims travel with joins only). */
  public static Principal user(JsonObject request) {
    Set<String> claims = new HashSet<>();
    JsonArray topics = request.getJsonArray("topics");
    if (topics != null) {
      topics.forEach(t -> claims.add(String.valueOf(t)));
    }
    return new Principal(request.getString("user"), claims);
  }

  /**
   * The decision's JSON once it is final: a {@link RouteDecision.Published} waits for its outcome
   * (and says where the broadcast went and whether it was a repeat, or that it could not be kept).
   */
  public static Future<JsonObject> settle(RouteDecision decision) {
    if (decision instanceof RouteDecision.Published p) {
      return p.outcome()
          .map(RouteMessages::published)
          .otherwise(
              err ->
                  new JsonObject()
                      .put("status", Events.STATUS_ERROR)
                      .put("reason", unpublishedReason(err)));
    }
    return Future.succeededFuture(encode(decision));
  }

  /**
   * {@code {"status": "ok"}} with the outcome's {@link #outcome} fields: a broadcast kept in its
   * topic's history, or a repeat.
   */
  public static JsonObject published(PublishOutcome outcome) {
    return ok().mergeIn(outcome(outcome));
  }

  /**
   * What a client or backend is told of a publish: {@code "epoch"} and {@code "offset"} on a topic
   * that keeps history, and {@code "duplicate": true} for a repeat of an idempotency key (whose
   * position is the first one's).
   */
  public static JsonObject outcome(PublishOutcome outcome) {
    JsonObject json = new JsonObject();
    if (outcome.position() != null) {
      json.put("epoch", outcome.position().epoch()).put("offset", outcome.position().offset());
    }
    if (outcome.duplicate()) {
      json.put("duplicate", true);
    }
    return json;
  }

  /** Why a publish that could not be carried out sent nothing, as a {@link Reasons} string. */
  public static String unpublishedReason(Throwable err) {
    if (err instanceof ClusterUnavailable) {
      return Reasons.CLUSTER_UNAVAILABLE;
    }
    return err instanceof IdempotencyUnavailable
        ? Reasons.IDEMPOTENCY_UNAVAILABLE
        : Reasons.HISTORY_UNAVAILABLE;
  }

  public static JsonObject encode(RouteDecision decision) {
    // Java 17 has no pattern switch: the interface is sealed, so these are all there are (a
    // Published is settled first).
    if (decision instanceof RouteDecision.Joined j) {
      // kind and streamBufferMax: what edge nodes of the release before this one read, so a rolling
      // upgrade keeps serving their joins.
      return ok().put("pattern", j.rule().pattern())
          .put("kind", j.rule().kind().configName())
          .put("streamBufferMax", j.rule().options().streamBufferMax());
    }
    if (decision instanceof RouteDecision.Rejected r) {
      return new JsonObject().put("status", Events.STATUS_ERROR).put("reason", r.reason());
    }
    return ok();
  }

  /** A push decision read back on the node that asked. */
  public static RouteDecision decode(JsonObject body) {
    if (!Events.STATUS_OK.equals(body.getString("status"))) {
      return new RouteDecision.Rejected(body.getString("reason"));
    }
    String epoch = body.getString("epoch");
    boolean duplicate = body.getBoolean("duplicate", false);
    if (epoch == null && !duplicate) {
      return RouteDecision.ACCEPTED;
    }
    return new RouteDecision.Published(
        Future.succeededFuture(
            new PublishOutcome(
                epoch == null ? null : new StreamPosition(epoch, body.getLong("offset")),
                duplicate)));
  }

  /**
   * A join decision read back on the node that asked, with the rule from this node's config: the
   * one the router named, or (from a router of the release before this one, which names none) the
   * one this node's config has for the topic. A rule this node's config lacks (nodes running
   * different configs) cannot be served here: it fails, and the client is told its join crashed.
   */
  public static RouteDecision decodeJoin(JsonObject body, SwitchboardConfig config, String topic) {
    if (!Events.STATUS_OK.equals(body.getString("status"))) {
      return new RouteDecision.Rejected(body.getString("reason"));
    }
    String pattern = body.getString("pattern");
    for (ChannelRule rule : config.channels()) {
      if (pattern != null ? rule.pattern().equals(pattern) : rule.matches(topic)) {
        return new RouteDecision.Joined(rule);
      }
    }
    throw new IllegalStateException(
        "the router granted a join under '"
            + (pattern != null ? pattern : topic)
            + "', which this node's config does not serve");
  }

  public static boolean isOk(JsonObject reply) {
    return Events.STATUS_OK.equals(reply.getString("status"));
  }

  public static JsonObject ok() {
    return new JsonObject().put("status", Events.STATUS_OK);
  }
}
