package io.switchboard.api;

import io.switchboard.config.ChannelRule;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.history.HistoryEntry;
import io.switchboard.history.HistorySlice;
import io.switchboard.history.HistoryStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/topics/<topic>/history?since=<offset>&limit=<n>}: the kept broadcasts after
 * {@code since} (default 0: all kept), at most {@code limit} (default and most: {@code
 * history.maxReplay}), as {@code {"topic", "epoch", "offset" (the head), "first" (the oldest kept
 * offset), "publications": [{"offset", "event", "payload"} or {"offset", "event", "binary":
 * base64}]}}. A topic whose rule keeps no history is a 404 {@code no_history}.
 */
public final class HistoryApi {
  private final SwitchboardConfig config;
  private final HistoryStore store;

  public HistoryApi(SwitchboardConfig config, HistoryStore store) {
    this.config = config;
    this.store = store;
  }

  void handle(RoutingContext ctx) {
    String topic = ctx.pathParam("topic");
    ChannelRule.History policy =
        config.ruleFor(topic).map(r -> r.options().history()).orElse(ChannelRule.History.OFF);
    if (policy.size() == 0) {
      HttpApi.error(ctx, 404, "no_history", "topic " + topic + " keeps no history");
      return;
    }
    int maxReplay = config.history().maxReplay();
    Long since = number(ctx, "since", 0, Long.MAX_VALUE - 1, 0);
    Long limit = number(ctx, "limit", 1, maxReplay, maxReplay);
    if (since == null || limit == null) {
      HttpApi.error(
          ctx,
          400,
          "invalid_request",
          "since must be an offset >= 0 and limit an integer from 1 to " + maxReplay);
      return;
    }
    store
        .read(topic, policy, since, limit.intValue())
        .onSuccess(slice -> ctx.json(json(topic, slice)))
        .onFailure(err -> HttpApi.error(ctx, 503, "unavailable", err.getMessage()));
  }

  private static Long number(RoutingContext ctx, String name, long min, long max, long def) {
    String raw = ctx.queryParams().get(name);
    if (raw == null) {
      return def;
    }
    try {
      long n = Long.parseLong(raw);
      return n < min || n > max ? null : n;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static JsonObject json(String topic, HistorySlice slice) {
    JsonArray publications = new JsonArray();
    for (HistoryEntry e : slice.entries()) {
      JsonObject p = new JsonObject().put("offset", e.offset()).put("event", e.event());
      if (e.binary()) {
        p.put("binary", e.payload().getBytes());
      } else {
        p.put("payload", new JsonObject(e.payload()));
      }
      publications.add(p);
    }
    return new JsonObject()
        .put("topic", topic)
        .put("epoch", slice.head().epoch())
        .put("offset", slice.head().offset())
        .put("first", slice.firstKept())
        .put("publications", publications);
  }
}
