package io.switchboard.api;

import io.switchboard.auth.ApiKey;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.protocol.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The server API for backends in any language, on the socket port under {@code /api}:
 *
 * <ul>
 *   <li>{@code POST /api/publish} {@code {"topic", "event", "payload"}} (or {@code "binary":
 *       "<base64>"})
 *   <li>{@code POST /api/disconnect} {@code {"user"}}: closes all of that user's sockets on every
 *       node (1001)
 *   <li>{@code GET /api/topics/<topic>/subscribers}: members of the topic (Phoenix sockets, bridge
 *       clients) across the cluster
 *   <li>{@code GET /api/topics/<topic>/presence}: who is on a presence topic across the cluster,
 *       {@code {"topic", "count" (users), "connections", "presences": {user: {metas: [...]}}}}
 *   <li>{@code GET /api/topics/<topic>/history?since=<offset>&limit=<n>}: a history topic's kept
 *       broadcasts ({@link HistoryApi})
 * </ul>
 *
 * A publish to a topic that keeps history answers once it is kept, with {@code {"status": "ok",
 * "epoch", "offset"}}.
 *
 * <p>Authenticated with {@code Authorization: apikey <key>} (as Centrifugo) or {@code X-API-Key},
 * compared in constant time ({@link ApiKey}). Errors are JSON {@code {"error": {"code",
 * "message"}}} with stable codes: {@code api_disabled} 503, {@code unauthorized} 401, {@code
 * invalid_json} / {@code invalid_request} 400, {@code payload_too_large} 413, {@code unavailable}
 * 503.
 */
public final class HttpApi {
  private final Vertx vertx;
  private final SwitchboardConfig.Api config;
  private final SubscriberCounts counts;
  private final HistoryApi history;
  private final ApiKey key;

  public HttpApi(
      Vertx vertx, SwitchboardConfig.Api config, SubscriberCounts counts, HistoryApi history) {
    this.vertx = vertx;
    this.config = config;
    this.counts = counts;
    this.history = history;
    this.key = config.key().map(ApiKey::new).orElse(null);
  }

  public void mount(Router router) {
    router.route("/api/*").handler(this::authenticate);
    router.post("/api/*").handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
    router.post("/api/publish").handler(ctx -> withJson(ctx, body -> forward(ctx, body)));
    router
        .post("/api/disconnect")
        .handler(
            ctx ->
                withJson(
                    ctx,
                    body -> {
                      if (!(body.getValue("user") instanceof String user) || user.isEmpty()) {
                        error(ctx, 400, "invalid_request", "user must be a non-empty string");
                        return;
                      }
                      forward(
                          ctx,
                          new JsonObject()
                              .put("topic", "user_socket:" + user)
                              .put("event", "disconnect"));
                    }));
    router
        .get("/api/topics/:topic/subscribers")
        .handler(
            ctx ->
                counts
                    .total(ctx.pathParam("topic"))
                    .onSuccess(ctx::json)
                    .onFailure(err -> error(ctx, 503, "unavailable", err.getMessage())));
    router
        .get("/api/topics/:topic/presence")
        .handler(
            ctx ->
                vertx
                    .eventBus()
                    .<JsonObject>request(
                        Addresses.PRESENCE_LIST,
                        new JsonObject().put("topic", ctx.pathParam("topic")),
                        // This node's view is the cluster's: never a round trip to a node that may
                        // be draining or dead (its registration outlives it for a while).
                        new DeliveryOptions().setLocalOnly(true))
                    .onSuccess(reply -> ctx.json(reply.body()))
                    .onFailure(err -> error(ctx, 503, "unavailable", err.getMessage())));
    router.get("/api/topics/:topic/history").handler(history::handle);
    // Anything else under /api answers in the API's JSON error format, not with the router's HTML
    // page.
    router
        .route("/api/*")
        .handler(
            ctx -> {
              String path = ctx.normalizedPath();
              if (path.equals("/api/publish")
                  || path.equals("/api/disconnect")
                  || path.matches("/api/topics/[^/]+/(subscribers|presence|history)")) {
                error(
                    ctx,
                    405,
                    "method_not_allowed",
                    ctx.request().method() + " is not allowed on " + path);
              } else {
                error(ctx, 404, "not_found", "no API endpoint " + path);
              }
            });
    router
        .route("/api/*")
        .failureHandler(
            ctx -> {
              if (ctx.statusCode() == 413) {
                error(
                    ctx,
                    413,
                    "payload_too_large",
                    "body larger than " + config.maxBodyBytes() + " bytes");
              } else {
                error(
                    ctx,
                    ctx.statusCode() > 0 ? ctx.statusCode() : 500,
                    "internal",
                    "request failed");
              }
            });
  }

  private void authenticate(RoutingContext ctx) {
    if (key == null) {
      error(ctx, 503, "api_disabled", "set SWITCHBOARD_API_KEY (api.key) to enable the server API");
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    String given =
        header != null && header.regionMatches(true, 0, "apikey ", 0, 7)
            ? header.substring(7).trim()
            : ctx.request().getHeader("X-API-Key");
    if (!key.matches(given)) {
      error(ctx, 401, "unauthorized", "missing or wrong API key");
      return;
    }
    ctx.next();
  }

  private void withJson(RoutingContext ctx, java.util.function.Consumer<JsonObject> then) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      error(ctx, 400, "invalid_json", "body must be a JSON object");
      return;
    }
    if (body == null) {
      error(ctx, 400, "invalid_json", "body must be a JSON object");
      return;
    }
    then.accept(body);
  }

  /**
   * Same path as event-bus backends: the router validates and publishes, so both APIs behave alike.
   */
  private void forward(RoutingContext ctx, JsonObject request) {
    vertx
        .eventBus()
        .request(Addresses.PUBLISH, request)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                // {"status": "ok"}, with the broadcast's epoch and offset on a history topic.
                ctx.json(
                    ar.result().body() instanceof JsonObject reply
                        ? reply
                        : new JsonObject().put("status", "ok"));
              } else if (ar.cause() instanceof ReplyException r && r.failureCode() == 400) {
                error(ctx, 400, "invalid_request", r.getMessage());
              } else {
                error(ctx, 503, "unavailable", "no router answered: " + ar.cause().getMessage());
              }
            });
  }

  static void error(RoutingContext ctx, int status, String code, String message) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(
            new JsonObject()
                .put("error", new JsonObject().put("code", code).put("message", message))
                .encode());
  }
}
