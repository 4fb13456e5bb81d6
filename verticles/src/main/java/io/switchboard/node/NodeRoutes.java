package io.switchboard.node;

import io.switchboard.api.HistoryApi;
import io.switchboard.api.HttpApi;
import io.switchboard.api.RealtimeBroadcastApi;
import io.switchboard.api.SubscriberCounts;
import io.switchboard.auth.TokenLogFilter;
import io.switchboard.auth.TokenVerifier;
import io.switchboard.bridge.BridgeFanout;
import io.switchboard.bridge.EventBusBridge;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.history.HistoryStore;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.socket.HttpRoutes;
import io.switchboard.socket.SocketVerticle;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.function.Supplier;

/**
 * The socket port's HTTP routes, in one place: Phoenix socket upgrades, the server API ({@code
 * /api}), the event bus bridge ({@code /eventbus}), the demo chat, the phoenix.js it uses and the
 * history recovery helper ({@code /js/switchboard-recovery.js}) (served from the jar, nothing from
 * a CDN), and readiness ({@code /health}: 503 while the node drains or is isolated from its
 * cluster).
 */
final class NodeRoutes implements HttpRoutes {
  private final SwitchboardConfig config;
  private final TokenVerifier verifier;
  private final SubscriberCounts counts;
  private final BridgeFanout bridgeFanout;
  private final HistoryStore history;
  private final SwitchboardMeters meters;

  NodeRoutes(
      SwitchboardConfig config,
      TokenVerifier verifier,
      SubscriberCounts counts,
      BridgeFanout bridgeFanout,
      HistoryStore history,
      SwitchboardMeters meters) {
    this.config = config;
    this.history = history;
    this.verifier = verifier;
    this.counts = counts;
    this.bridgeFanout = bridgeFanout;
    this.meters = meters;
  }

  @Override
  public Handler<HttpServerRequest> handler(
      Vertx vertx, Handler<HttpServerRequest> socketUpgrade, Supplier<String> unavailable) {
    // The Router logs each URL at FINEST; the bridge's and the demo's carry a token.
    TokenLogFilter.install();
    Router router = Router.router(vertx);
    if (RealtimeBroadcastApi.enabled(config)) {
      // Before the server API: realtime-js authenticates with its user token, not the API key.
      new RealtimeBroadcastApi(vertx, config, verifier).mount(router);
    }
    new HttpApi(vertx, config.api(), counts, new HistoryApi(config, history)).mount(router);
    if (config.bridge().enabled()) {
      // One bridge per socket verticle instance: its per-socket state stays on that event loop.
      new EventBusBridge(vertx, config, verifier, bridgeFanout, meters).mount(router);
    }
    router.get("/").handler(ctx -> ctx.redirect("/demo/"));
    router.get("/demo/*").handler(StaticHandler.create("webroot/demo"));
    router.get("/vendor/*").handler(StaticHandler.create("webroot/vendor"));
    router.get("/js/*").handler(StaticHandler.create("webroot/js"));
    router
        .get("/health")
        .handler(
            ctx -> {
              String down = unavailable.get();
              if (down != null) {
                // Load balancers stop sending clients here; those that read it come back later.
                ctx.response()
                    .putHeader(
                        "retry-after", Integer.toString(HttpRoutes.UNAVAILABLE_RETRY_AFTER_S));
              }
              ctx.response()
                  .setStatusCode(down != null ? 503 : 200)
                  .putHeader("content-type", "application/json")
                  .end("{\"status\":\"" + (down != null ? down : "UP") + "\"}");
            });
    // The socket path skips the Router: vertx-web wraps the WebSocket it upgrades, hiding the Netty
    // context that the coalesced writes need.
    boolean realtime = RealtimeBroadcastApi.enabled(config);
    return req -> {
      if (SocketVerticle.SOCKET_PATH.equals(req.path())
          || (realtime && SocketVerticle.REALTIME_PATH.equals(req.path()))) {
        socketUpgrade.handle(req);
      } else if (!PathEscapes.wellFormed(req.path())) {
        req.response()
            .setStatusCode(400)
            .putHeader("content-type", "application/json")
            .end(
                "{\"error\":{\"code\":\"invalid_request\","
                    + "\"message\":\"malformed percent-escape in the path\"}}");
      } else {
        router.handle(req);
      }
    };
  }
}
