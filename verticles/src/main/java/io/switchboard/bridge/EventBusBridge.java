package io.switchboard.bridge;

import io.switchboard.auth.Origins;
import io.switchboard.auth.Principal;
import io.switchboard.auth.TokenVerifier;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.protocol.Addresses;
import io.switchboard.protocol.UnicodeText;
import io.switchboard.routing.RouteMessages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The Vert.x SockJS event bus bridge at {@code /eventbus}, for
 * {@code @vertx/eventbus-bridge-client.js}.
 *
 * <p>Clients pass their JWT as the {@code token} query parameter of the bridge URL ({@code new
 * EventBus('/eventbus?token=...')}); a socket without a valid token is closed. Then:
 *
 * <ul>
 *   <li>{@code registerHandler('topic:<topic>', ...)} subscribes to a topic, authorised by the same
 *       join rules as a Phoenix join; messages are {@code {"topic", "event", "payload"}}, the
 *       broadcasts Phoenix clients of the topic get, from any node.
 *   <li>{@code send('switchboard.bridge.push', {"topic", "event", "payload"}, reply)} pushes as a
 *       Phoenix client would: the same join rule and channel rules apply; the reply is {@code
 *       {"status":"ok"}} or an error with the Phoenix reason.
 * </ul>
 *
 * Deny by default: no other address is reachable in either direction. A browser page may use the
 * bridge only from an origin {@code http.allowedOrigins} allows, as for Phoenix sockets (403
 * otherwise, on every bridge URL: the SockJS info endpoint would grant any origin with
 * credentials). One instance per socket verticle instance; its per-socket state stays on that event
 * loop.
 */
public final class EventBusBridge {
  private static final DeliveryOptions ROUTE = new DeliveryOptions().setSendTimeout(5_000);
  private static final System.Logger log = System.getLogger(EventBusBridge.class.getName());

  private final Vertx vertx;
  private final SwitchboardConfig config;
  private final TokenVerifier verifier;
  private final BridgeFanout fanout;
  private final SwitchboardMeters meters;
  private final Map<SockJSSocket, Principal> users = new HashMap<>();
  private final Map<SockJSSocket, Set<String>> topics = new HashMap<>();

  public EventBusBridge(
      Vertx vertx,
      SwitchboardConfig config,
      TokenVerifier verifier,
      BridgeFanout fanout,
      SwitchboardMeters meters) {
    this.vertx = vertx;
    this.config = config;
    this.verifier = verifier;
    this.fanout = fanout;
    this.meters = meters;
  }

  /** The consumer behind {@link Addresses#BRIDGE_PUSH}; register once per node. */
  public static Future<Void> servePushes(Vertx vertx) {
    return vertx
        .eventBus()
        .<Object>localConsumer(Addresses.BRIDGE_PUSH, m -> push(vertx, m))
        .completion();
  }

  public void mount(Router router) {
    BridgeLogFilter.install();
    SwitchboardConfig.Bridge limits = config.bridge();
    // First: a refused page's request is not read any further.
    router.route("/eventbus/*").handler(this::checkOrigin);
    // Before the bridge, or the XHR transports cannot read their bodies.
    router
        .route("/eventbus/*")
        .handler(BodyHandler.create(false).setBodyLimit(limits.maxMessageBytes()));
    SockJSBridgeOptions options =
        new SockJSBridgeOptions()
            // One over ours, so that register() refuses with an error first; Vert.x's own limit
            // drops the registration without telling the client.
            .setMaxHandlersPerSocket(limits.maxHandlersPerSocket() + 1)
            .setMaxAddressLength(limits.maxAddressLength())
            // Inbound (client send/publish): the push address only. Registering is checked against
            // the outbound list, so topic: addresses stay receivable without becoming sendable.
            .addInboundPermitted(new PermittedOptions().setAddress(Addresses.BRIDGE_PUSH))
            .addOutboundPermitted(
                new PermittedOptions().setAddressRegex(Addresses.BRIDGE_TOPIC_PREFIX + ".+"));
    router
        .route("/eventbus/*")
        .subRouter(SockJSHandler.create(vertx).bridge(options, this::onEvent));
  }

  /** The rule of Phoenix sockets: a browser's {@code Origin} must be allowed; none is fine. */
  private void checkOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin != null
        && !Origins.allowed(
            origin, ctx.request().getHeader("Host"), config.http().allowedOrigins())) {
      meters.httpRefused("origin");
      ctx.response().setStatusCode(403).end();
      return;
    }
    ctx.next();
  }

  private void onEvent(BridgeEvent event) {
    SockJSSocket socket = event.socket();
    BridgeEventType type = event.type();
    switch (type) {
      case SOCKET_CREATED ->
          verifier
              .verify(token(socket.uri()))
              .onComplete(
                  ar -> {
                    if (ar.succeeded()) {
                      users.put(socket, ar.result());
                    }
                    event.complete(ar.succeeded());
                    if (ar.succeeded()) {
                      // Vert.x sets its own handler once this event is complete (synchronously,
                      // or as soon as it reads the result): ours goes after it.
                      vertx.runOnContext(v -> socket.exceptionHandler(err -> failed(socket, err)));
                    }
                  });
      case SOCKET_CLOSED -> {
        users.remove(socket);
        Set<String> mine = topics.remove(socket);
        if (mine != null) {
          mine.forEach(fanout::unregister);
        }
        event.complete(true);
      }
      case REGISTER -> register(event, socket);
      case UNREGISTER -> {
        String topic = topicOf(event.getRawMessage().getString("address"));
        Set<String> mine = topics.get(socket);
        if (topic != null && mine != null && mine.remove(topic)) {
          fanout.unregister(topic);
        }
        event.complete(true);
      }
      case SEND -> send(event, socket);
      // Bridge clients never publish: a topic's messages come only from its broadcasts, pushes go
      // through Addresses.BRIDGE_PUSH.
      case PUBLISH -> event.complete(false);
      default -> event.complete(true);
    }
  }

  /**
   * Replaces Vert.x's bridge handler, which logs every socket error at SEVERE: a client that goes
   * away without a close frame (a closed tab, a lost network) is an {@link
   * io.vertx.core.http.HttpClosedException} there, many a minute on a busy node. Errors here are
   * the client's or its network's, as on Phoenix sockets ({@code socket error}, debug). Closing
   * runs Vert.x's close handler, which cleans up as it would have (and SOCKET_CLOSED, ours).
   */
  private void failed(SockJSSocket socket, Throwable err) {
    log.log(System.Logger.Level.DEBUG, "bridge socket error", err);
    socket.close();
  }

  /**
   * A registration is refused ({@code rejected}, as every refusal here) for an unknown topic, a
   * second registration of the same topic (the JS client sends one per address) and one past {@code
   * bridge.maxHandlersPerSocket}: Vert.x's own limit would drop it silently, with a log line per
   * frame.
   */
  private void register(BridgeEvent event, SockJSSocket socket) {
    Principal user = users.get(socket);
    String topic = topicOf(event.getRawMessage().getString("address"));
    if (user == null || topic == null || !withinLimit(socket, topic)) {
      event.complete(false);
      return;
    }
    vertx
        .eventBus()
        .<JsonObject>request(Addresses.ROUTE_JOIN, RouteMessages.join(topic, user), ROUTE)
        .compose(
            reply -> {
              // The socket may have closed while the join was on its way: SOCKET_CLOSED has already
              // cleaned up, so registering now would leave the socket in topics and the fan-out
              // subscribed for good.
              // Registrations still in flight were not counted above: check again as this one is
              // added.
              if (!RouteMessages.isOk(reply.body())
                  || !users.containsKey(socket)
                  || !withinLimit(socket, topic)) {
                return Future.succeededFuture(false);
              }
              topics.computeIfAbsent(socket, s -> new HashSet<>()).add(topic);
              return fanout.register(topic).map(true);
            })
        .onComplete(ar -> event.complete(ar.succeeded() && ar.result()));
  }

  private boolean withinLimit(SockJSSocket socket, String topic) {
    Set<String> mine = topics.get(socket);
    return mine == null
        || (!mine.contains(topic) && mine.size() < config.bridge().maxHandlersPerSocket());
  }

  /**
   * Only {@link Addresses#BRIDGE_PUSH} takes sends: anything else (a {@code topic:} address above
   * all, whose handlers would take the message for a broadcast) is refused. The user is whoever the
   * token said, never what the client wrote in its headers.
   */
  private void send(BridgeEvent event, SockJSSocket socket) {
    Principal user = users.get(socket);
    if (user == null || !Addresses.BRIDGE_PUSH.equals(event.getRawMessage().getString("address"))) {
      event.complete(false);
      return;
    }
    JsonObject raw = event.getRawMessage();
    raw.put(
        "headers",
        new JsonObject()
            .put("user", user.userId())
            .put("topics", new JsonArray(java.util.List.copyOf(user.topics())).encode()));
    event.setRawMessage(raw);
    event.complete(true);
  }

  /**
   * A bridge client's push: the join rule, then the channel's push rules, exactly as for a Phoenix
   * client.
   */
  private static void push(Vertx vertx, Message<Object> msg) {
    // Whatever JSON the client wrote as the body arrives as is: a string, a number, a list, null.
    JsonObject body = msg.body() instanceof JsonObject object ? object : null;
    Object topic = body == null ? null : body.getValue("topic");
    Object event = body == null ? null : body.getValue("event");
    Object payload = body == null ? null : body.getValue("payload", new JsonObject());
    if (!(topic instanceof String t)
        || !(event instanceof String e)
        || !(payload instanceof JsonObject p)) {
      msg.fail(400, "body must be {\"topic\": string, \"event\": string, \"payload\": object}");
      return;
    }
    if (!UnicodeText.isWellFormed(t) || !UnicodeText.isWellFormed(e)) {
      msg.fail(400, "topic and event must be well-formed Unicode (no lone surrogates)");
      return;
    }
    Set<String> claims = new HashSet<>();
    new JsonArray(msg.headers().get("topics")).forEach(c -> claims.add(String.valueOf(c)));
    Principal user = new Principal(msg.headers().get("user"), claims);
    var bus = vertx.eventBus();
    bus.<JsonObject>request(Addresses.ROUTE_JOIN, RouteMessages.join(t, user), ROUTE)
        .compose(
            join ->
                RouteMessages.isOk(join.body())
                    ? bus.<JsonObject>request(
                            Addresses.ROUTE_PUSH,
                            RouteMessages.push(t, e, user, p.toBuffer(), false),
                            ROUTE)
                        .map(Message::body)
                    : Future.succeededFuture(join.body()))
        .onSuccess(
            reply -> {
              if (RouteMessages.isOk(reply)) {
                msg.reply(new JsonObject().put("status", "ok"));
              } else {
                msg.fail(403, reply.getString("reason"));
              }
            })
        .onFailure(err -> msg.fail(503, "no router answered"));
  }

  private static String topicOf(String address) {
    return address != null
            && address.startsWith(Addresses.BRIDGE_TOPIC_PREFIX)
            && address.length() > Addresses.BRIDGE_TOPIC_PREFIX.length()
        ? address.substring(Addresses.BRIDGE_TOPIC_PREFIX.length())
        : null;
  }

  static String token(String uri) {
    int q = uri == null ? -1 : uri.indexOf('?');
    if (q < 0) {
      return null;
    }
    for (String pair : uri.substring(q + 1).split("&")) {
      if (pair.startsWith("token=")) {
        return URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
