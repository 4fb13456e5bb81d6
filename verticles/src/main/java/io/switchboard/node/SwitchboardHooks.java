package io.switchboard.node;

import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.cluster.ClusterNodes;
import io.switchboard.metrics.JvmMeterRenames;
import io.switchboard.metrics.VertxGaugeWarning;
import io.switchboard.transport.NetworkTransport;
import io.vertx.core.Deployable;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplicationHooks;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Launcher hooks: one Prometheus registry per node, shared by Vert.x's own meters (HTTP, event bus,
 * JVM) and ours, handed to the main verticle.
 */
public final class SwitchboardHooks implements VertxApplicationHooks {
  private static final System.Logger log = System.getLogger(SwitchboardHooks.class.getName());
  private static final java.util.Set<String> STANDARD_METHODS =
      java.util.Set.of(
          "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** Every main verticle the launcher made (one unless it was started with -instances). */
  private final java.util.List<MainVerticle> mains =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    try {
      return builder(options, registry, System.getenv());
    } catch (RuntimeException e) {
      // The launcher exits with 1 and says nothing about an exception thrown here (e.g. a bad
      // SWITCHBOARD_TRANSPORT): say it. Cluster settings are read later, by buildClustered, only
      // for -cluster.
      log.log(System.Logger.Level.ERROR, "Switchboard cannot start: " + e.getMessage());
      throw e;
    }
  }

  /**
   * A Vert.x builder with Micrometer metrics recording into {@code registry}; tests build nodes
   * with it too. {@link VertxBuilder#build()} makes a single node and never touches Hazelcast;
   * {@link VertxBuilder#buildClustered()} (what the launcher calls for {@code -cluster}) configures
   * Hazelcast from {@link ClusterSettings} first.
   */
  public static VertxBuilder builder(
      VertxOptions options, PrometheusMeterRegistry registry, Map<String, String> env) {
    // Vert.x re-registers its gauges by design; Micrometer would warn about it at start (see
    // VertxGaugeWarning).
    VertxGaugeWarning.silence();
    options.setMetricsOptions(
        new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true));
    // Vert.x labels HTTP meters with the request's method as sent: any client could mint new series
    // with made-up methods ("ZZA /health"). Standard methods keep their name; anything else is
    // counted as "other".
    registry
        .config()
        .meterFilter(
            MeterFilter.replaceTagValues(
                "method", m -> STANDARD_METHODS.contains(m) ? m : "other"));
    // The scrape must pass promtool check metrics. Three JVM meters get names it rejects
    // (jvm_compilation_time_ms_total, ...): Vert.x's are denied and the same figures registered
    // under clean names once Vert.x has bound its binders. Meters made on first use
    // (registry.counter) get their HELP text.
    registry.config().meterFilter(JvmMeterRenames.filter());
    return new NodeBuilder(env, () -> new JvmMeterRenames().bindTo(registry))
        .with(options)
        .withTransport(NetworkTransport.choose(env))
        .withMetrics(new MicrometerMetricsFactory(registry));
  }

  @Override
  public void afterVertxStarted(HookContext context) {
    if (context.vertx().isClustered()) {
      var manager = ClusterNodes.hazelcast(context.vertx());
      var cluster = manager.getHazelcastInstance().getCluster();
      log.log(
          System.Logger.Level.INFO,
          "Joined Hazelcast cluster '"
              + manager.getConfig().getClusterName()
              + "' as "
              + cluster.getLocalMember().getAddress()
              + "; members: "
              + cluster.getMembers());
    }
  }

  @Override
  public Supplier<? extends Deployable> verticleSupplier() {
    return () -> {
      MainVerticle main = new MainVerticle(registry);
      mains.add(main);
      return main;
    };
  }

  /**
   * Runs on the JVM shutdown-hook thread (SIGTERM) inside vertx.close(), before Vert.x undeploys
   * anything: the sockets drain while routing and batching still run (see {@link
   * MainVerticle#drainSocketsFirst}).
   */
  @Override
  public void beforeStoppingVertx(HookContext context) {
    mains.forEach(MainVerticle::drainSocketsFirst);
  }
}
