package io.switchboard.api;

import io.switchboard.auth.Origins;
import io.switchboard.auth.Principal;
import io.switchboard.auth.TokenVerifier;
import io.switchboard.channel.RouteDecision;
import io.switchboard.config.ChannelKind;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.protocol.Addresses;
import io.switchboard.routing.RouteMessages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * realtime-js's REST broadcasts, for nodes with a {@code realtime} rule (docs/REALTIME.md):
 *
 * <ul>
 *   <li>{@code POST /realtime/v1/api/broadcast {"messages": [{"topic", "event", "payload"}]}}: what
 *       {@code channel.send()} falls back to while its socket is down;
 *   <li>{@code POST /realtime/v1/api/broadcast/<topic>/events/<event>} with a JSON body, or raw
 *       bytes as {@code application/octet-stream}: {@code channel.httpSend()}.
 * </ul>
 *
 * Topics are realtime-js's sub-topics ({@code room-1}, not {@code realtime:room-1}). The caller is
 * the user of the token in {@code Authorization: Bearer} or else the {@code apikey} header, as on
 * the socket; each message goes out only if that user may join its topic (the join rules, asked of
 * the router as for a socket), then as a backend publish would (the {@code broadcast} event
 * realtime-js hears). All or nothing: one refused topic refuses the request. 202 on success; errors
 * are {@code {"message", "code"}} (realtime-js shows {@code message}): 401 {@code unauthorized},
 * 403 {@code forbidden}, 400 {@code invalid_request} / {@code invalid_json}, 503 {@code
 * unavailable}. Browsers get CORS answers for the origins the socket accepts.
 */
public final class RealtimeBroadcastApi {
  public static final String BASE = "/realtime/v1/api/broadcast";
  static final String PREFIX = "realtime:";
  private static final int MAX_MESSAGES = 100;

  private final Vertx vertx;
  private final SwitchboardConfig config;
  private final TokenVerifier verifier;

  public RealtimeBroadcastApi(Vertx vertx, SwitchboardConfig config, TokenVerifier verifier) {
    this.vertx = vertx;
    this.config = config;
    this.verifier = verifier;
  }

  /** Whether the config serves realtime-js at all: a rule of kind {@code realtime}. */
  public static boolean enabled(SwitchboardConfig config) {
    return config.channels().stream().anyMatch(r -> r.kind() == ChannelKind.REALTIME);
  }

  public void mount(Router router) {
    router.route(BASE + "*").handler(this::cors);
    router
        .post(BASE + "*")
        .handler(BodyHandler.create(false).setBodyLimit(config.api().maxBodyBytes()));
    router.post(BASE).handler(ctx -> authenticated(ctx, user -> batch(ctx, user)));
    router
        .post(BASE + "/:topic/events/:event")
        .handler(ctx -> authenticated(ctx, user -> single(ctx, user)));
  }

  private void cors(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin != null) {
      if (!Origins.allowed(
          origin, ctx.request().getHeader("Host"), config.http().allowedOrigins())) {
        error(ctx, 403, "forbidden", "origin not allowed");
        return;
      }
      ctx.response().putHeader("Access-Control-Allow-Origin", origin).putHeader("Vary", "Origin");
      if (ctx.request().method().name().equals("OPTIONS")) {
        ctx.response()
            .putHeader("Access-Control-Allow-Methods", "POST")
            .putHeader("Access-Control-Allow-Headers", "apikey, authorization, content-type")
            .putHeader("Access-Control-Max-Age", "600")
            .setStatusCode(204)
            .end();
        return;
      }
    }
    ctx.next();
  }

  private void authenticated(RoutingContext ctx, java.util.function.Consumer<Principal> then) {
    String bearer = ctx.request().getHeader("Authorization");
    String token =
        bearer != null && bearer.regionMatches(true, 0, "Bearer ", 0, 7)
            ? bearer.substring(7).trim()
            : ctx.request().getHeader("apikey");
    if (token == null || token.isEmpty()) {
      error(ctx, 401, "unauthorized", "no token in Authorization: Bearer or apikey");
      return;
    }
    verifier
        .verify(token)
        .onSuccess(then::accept)
        .onFailure(err -> error(ctx, 401, "unauthorized", "token refused"));
  }

  private void batch(RoutingContext ctx, Principal user) {
    JsonArray messages;
    try {
      messages = ctx.body().asJsonObject().getJsonArray("messages");
    } catch (RuntimeException e) {
      messages = null;
    }
    if (messages == null || messages.isEmpty() || messages.size() > MAX_MESSAGES) {
      error(ctx, 400, "invalid_request", "messages must be an array of 1 to " + MAX_MESSAGES);
      return;
    }
    List<JsonObject> publishes = new ArrayList<>();
    for (Object m : messages) {
      if (!(m instanceof JsonObject msg)
          || !(msg.getValue("topic") instanceof String topic)
          || !(msg.getValue("event") instanceof String event)
          || !(msg.getValue("payload", new JsonObject()) instanceof JsonObject payload)) {
        error(
            ctx,
            400,
            "invalid_request",
            "each message needs a string topic and event, and an object payload");
        return;
      }
      publishes.add(publish(topic, event).put("payload", payload));
    }
    send(ctx, user, publishes);
  }

  private void single(RoutingContext ctx, Principal user) {
    JsonObject publish = publish(ctx.pathParam("topic"), ctx.pathParam("event"));
    String type = String.valueOf(ctx.request().getHeader("Content-Type"));
    Buffer body = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    if (type.startsWith("application/octet-stream")) {
      publish.put("binary", Base64.getEncoder().encodeToString(body.getBytes()));
    } else {
      try {
        publish.put("payload", new JsonObject(body));
      } catch (RuntimeException e) {
        error(ctx, 400, "invalid_json", "body must be a JSON object");
        return;
      }
    }
    send(ctx, user, List.of(publish));
  }

  private static JsonObject publish(String subTopic, String event) {
    return new JsonObject().put("topic", PREFIX + subTopic).put("event", event);
  }

  /** Every topic must be one the user may join; then each is published, in order. */
  private void send(RoutingContext ctx, Principal user, List<JsonObject> publishes) {
    List<Future<RouteDecision>> checks = new ArrayList<>();
    for (JsonObject p : publishes) {
      String topic = p.getString("topic");
      checks.add(
          vertx
              .eventBus()
              .<JsonObject>request(Addresses.ROUTE_JOIN, RouteMessages.join(topic, user))
              .map(reply -> RouteMessages.decodeJoin(reply.body(), config, topic)));
    }
    Future.all(checks)
        .onFailure(err -> error(ctx, 503, "unavailable", "no router answered"))
        .onSuccess(
            all -> {
              for (int i = 0; i < checks.size(); i++) {
                if (!(checks.get(i).result() instanceof RouteDecision.Joined j)
                    || j.rule().kind() != ChannelKind.REALTIME) {
                  error(
                      ctx,
                      403,
                      "forbidden",
                      "not allowed to broadcast on " + publishes.get(i).getString("topic"));
                  return;
                }
              }
              Future<?> chain = Future.succeededFuture();
              for (JsonObject p : publishes) {
                chain = chain.compose(v -> vertx.eventBus().request(Addresses.PUBLISH, p));
              }
              chain
                  .onSuccess(v -> ctx.response().setStatusCode(202).end())
                  .onFailure(err -> error(ctx, 503, "unavailable", err.getMessage()));
            });
  }

  private static void error(RoutingContext ctx, int status, String code, String message) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(new JsonObject().put("message", message).put("code", code).encode());
  }
}
