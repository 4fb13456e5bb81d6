package io.switchboard.socket;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.BooleanSupplier;

/**
 * Everything a socket verticle's HTTP server serves: composed by the node (socket upgrade, API,
 * bridge, demo, health), so the socket verticle knows only its own upgrade.
 */
@FunctionalInterface
public interface HttpRoutes {

  /**
   * The request handler of one socket verticle instance's server, built on its event loop.
   *
   * @param socketUpgrade the instance's handler for Phoenix socket upgrades
   * @param draining true once the node drains (readiness turns 503)
   */
  Handler<HttpServerRequest> handler(
      Vertx vertx, Handler<HttpServerRequest> socketUpgrade, BooleanSupplier draining);
}
