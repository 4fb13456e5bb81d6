package io.switchboard.node;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.launcher.application.VertxApplicationHooks;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.function.Supplier;

/**
 * Launcher hooks: one Prometheus registry per node, shared by Vert.x's own meters (HTTP, event bus, JVM) and
 * ours, handed to the main verticle.
 */
public final class SwitchboardHooks implements VertxApplicationHooks {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    return builder(options, registry);
  }

  /** A Vert.x builder with Micrometer metrics recording into {@code registry}; tests build nodes with it too. */
  public static VertxBuilder builder(VertxOptions options, PrometheusMeterRegistry registry) {
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true));
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
  }

  @Override
  public Supplier<? extends Deployable> verticleSupplier() {
    return () -> new MainVerticle(registry);
  }
}
