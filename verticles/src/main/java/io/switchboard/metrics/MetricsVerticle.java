package io.switchboard.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.config.SwitchboardConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * Owns the scrape endpoint: Prometheus text at {@code GET /metrics} and {@code GET /health} on the metrics port.
 * Other verticles only record meters.
 */
public final class MetricsVerticle extends VerticleBase {
  private final SwitchboardConfig.Metrics config;
  private final PrometheusMeterRegistry registry;
  private HttpServer server;

  public MetricsVerticle(SwitchboardConfig.Metrics config, PrometheusMeterRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router.get("/health").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
        .end("{\"status\":\"UP\"}"));
    return vertx.createHttpServer().requestHandler(router).listen(config.port(), config.host())
        .onSuccess(s -> server = s);
  }

  /** The bound port (differs from config when it asked for 0). */
  public int port() {
    return server.actualPort();
  }
}
