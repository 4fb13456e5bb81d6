package io.switchboard.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.cluster.ClusterNodes;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Owns the scrape endpoint and the cluster view, on the metrics port: Prometheus text at {@code GET
 * /metrics} (node-local, as Prometheus expects), {@code GET /cluster} (JSON: every node's
 * connections and topics, gossiped over the event bus each second) and {@code GET /health}. Other
 * verticles only record meters.
 */
public final class MetricsVerticle extends VerticleBase {
  static final long REPORT_INTERVAL_MS = 1_000;

  private final SwitchboardConfig.Metrics config;
  private final PrometheusMeterRegistry registry;
  private final SwitchboardMeters meters;
  private final ClusterView view = new ClusterView(3 * REPORT_INTERVAL_MS + 500);
  private final AtomicInteger nodesSeen = new AtomicInteger();
  private String nodeId;
  private HttpServer server;

  public MetricsVerticle(
      SwitchboardConfig.Metrics config,
      PrometheusMeterRegistry registry,
      SwitchboardMeters meters) {
    this.config = config;
    this.registry = registry;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    nodeId = vertx.isClustered() ? ClusterNodes.selfId(vertx) : UUID.randomUUID().toString();
    Gauge.builder(MetricNames.CLUSTER_NODES, nodesSeen, AtomicInteger::get)
        .description("Nodes reporting to this node's cluster view (this one included)")
        .register(registry);
    Router router = Router.router(vertx);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router.get("/cluster").handler(ctx -> ctx.json(view.toJson()));
    router
        .get("/health")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("content-type", "application/json")
                    .end("{\"status\":\"UP\"}"));
    vertx.setPeriodic(
        0,
        REPORT_INTERVAL_MS,
        id -> {
          view.expire(System.currentTimeMillis());
          nodesSeen.set(view.size());
          vertx.eventBus().publish(Addresses.CLUSTER_REPORTS, report());
        });
    return Future.all(
        vertx
            .eventBus()
            .<JsonObject>consumer(
                Addresses.CLUSTER_REPORTS,
                m -> {
                  view.report(m.body(), System.currentTimeMillis());
                  nodesSeen.set(view.size());
                })
            .completion(),
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(config.port(), config.host())
            .onSuccess(s -> server = s));
  }

  private JsonObject report() {
    return new JsonObject()
        .put("node", nodeId)
        .put("connections", meters.connections())
        .put("topics", meters.topics());
  }

  /** The bound port (differs from config when it asked for 0). */
  public int port() {
    return server.actualPort();
  }
}
