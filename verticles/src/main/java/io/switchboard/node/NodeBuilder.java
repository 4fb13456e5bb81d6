package io.switchboard.node;

import com.hazelcast.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxException;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.VertxTracerFactory;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.transport.Transport;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Map;

/**
 * The builder {@link SwitchboardHooks} hands the launcher (and tests). The launcher calls {@link
 * #buildClustered()} only when started with {@code -cluster} and {@link #build()} otherwise, so
 * Hazelcast is configured in {@link #buildClustered()} only: a single-node start never reads {@code
 * cluster.xml} nor creates a cluster manager. Both run {@code vertxMetricsBound} once Vert.x has
 * made its metrics (and bound its meters), which happens while it is built, before a clustered one
 * joins.
 */
final class NodeBuilder implements VertxBuilder {
  private static final System.Logger log = System.getLogger(NodeBuilder.class.getName());

  private final VertxBuilder delegate = Vertx.builder();
  private final Map<String, String> env;
  private final Runnable vertxMetricsBound;
  private VertxOptions options = new VertxOptions();
  private boolean clusterManagerGiven;

  NodeBuilder(Map<String, String> env, Runnable vertxMetricsBound) {
    this.env = env;
    this.vertxMetricsBound = vertxMetricsBound;
  }

  @Override
  public NodeBuilder with(VertxOptions options) {
    this.options = options;
    delegate.with(options);
    return this;
  }

  @Override
  public NodeBuilder withMetrics(VertxMetricsFactory factory) {
    delegate.withMetrics(factory);
    return this;
  }

  @Override
  public NodeBuilder withTracer(VertxTracerFactory factory) {
    delegate.withTracer(factory);
    return this;
  }

  @Override
  public NodeBuilder withTransport(Transport transport) {
    delegate.withTransport(transport);
    return this;
  }

  /** A cluster manager of the caller's own replaces Switchboard's Hazelcast config altogether. */
  @Override
  public NodeBuilder withClusterManager(ClusterManager clusterManager) {
    delegate.withClusterManager(clusterManager);
    clusterManagerGiven = true;
    return this;
  }

  @Override
  public Vertx build() {
    Vertx vertx = delegate.build();
    vertxMetricsBound.run();
    return vertx;
  }

  /**
   * Loads the Hazelcast config ({@link ClusterSettings}), announces the cluster interface on the
   * event bus unless a host was given ({@code -cluster-host} is applied before this runs), and
   * joins. A bad cluster setting fails the returned future, before Hazelcast starts, with a message
   * naming it (the launcher then exits with 11).
   */
  @Override
  public Future<Vertx> buildClustered() {
    if (!clusterManagerGiven) {
      Config hazelcast;
      try {
        hazelcast = ClusterSettings.load(env);
      } catch (RuntimeException e) {
        log.log(System.Logger.Level.ERROR, "Switchboard cannot start: " + e.getMessage());
        return Future.failedFuture(
            VertxException.noStackTrace("Switchboard cannot start: " + e.getMessage()));
      }
      if (options.getEventBusOptions().getHost() == null) {
        options.getEventBusOptions().setHost(ClusterSettings.eventBusHost(hazelcast));
      }
      delegate.withClusterManager(new HazelcastClusterManager(hazelcast));
    }
    Future<Vertx> joined = delegate.buildClustered();
    vertxMetricsBound.run();
    return joined;
  }
}
