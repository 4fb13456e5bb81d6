package io.switchboard.socket;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Supplier;

/**
 * Everything a socket verticle's HTTP server serves: composed by the node (socket upgrade, API,
 * bridge, demo, health), so the socket verticle knows only its own upgrade.
 */
@FunctionalInterface
public interface HttpRoutes {
  /**
   * Seconds a client refused by a draining or isolated node (a socket upgrade, a new long-poll
   * session, {@code /health}) is told to wait before it retries.
   */
  int UNAVAILABLE_RETRY_AFTER_S = 5;

  /**
   * The request handler of one socket verticle instance's server, built on its event loop.
   *
   * @param socketUpgrade the instance's handler for Phoenix socket upgrades
   * @param unavailable why the node takes no new clients now ({@code "DRAINING"}, {@code
   *     "ISOLATED"}), or null while it does: readiness turns 503 with it
   */
  Handler<HttpServerRequest> handler(
      Vertx vertx, Handler<HttpServerRequest> socketUpgrade, Supplier<String> unavailable);
}
