package io.switchboard.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.config.MeterFilter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * Three of the meters that Micrometer's JVM binders register (Vert.x binds them for {@code
 * MicrometerMetricsOptions.setJvmMetricsEnabled(true)}) get Prometheus names that {@code promtool
 * check metrics} rejects:
 *
 * <ul>
 *   <li>{@code jvm_compilation_time_ms_total} ({@code JvmCompilationMetrics}, base unit "ms"):
 *       abbreviated unit;
 *   <li>{@code process_cpu_time_ns_total} ({@code ProcessorMetrics}, base unit "ns"): abbreviated
 *       unit;
 *   <li>{@code system_cpu_count} ({@code ProcessorMetrics}, a gauge): {@code _count} belongs to
 *       histograms and summaries.
 * </ul>
 *
 * {@link #filter()} denies exactly those three; {@link #bindTo} registers the same figures, from
 * the same MXBeans, as {@code jvm_compilation_time_seconds_total}, {@code
 * process_cpu_time_seconds_total} and {@code system_cpus}. The filter must be on the registry
 * before Vert.x binds its binders, and the replacements must be bound after (they share the denied
 * meters' names and tags: bound first, Vert.x's registration would find them).
 */
public final class JvmMeterRenames implements MeterBinder {
  static final String COMPILATION_TIME = "jvm.compilation.time";
  static final String PROCESS_CPU_TIME = "process.cpu.time";
  static final String CPU_COUNT = "system.cpu.count";
  static final String CPUS = "system.cpus";

  /**
   * Denies Micrometer's millisecond / nanosecond counters and its {@code system.cpu.count} gauge.
   */
  public static MeterFilter filter() {
    return MeterFilter.deny(
        id ->
            switch (id.getName()) {
              case COMPILATION_TIME -> BaseUnits.MILLISECONDS.equals(id.getBaseUnit());
              case PROCESS_CPU_TIME -> "ns".equals(id.getBaseUnit());
              case CPU_COUNT -> true;
              default -> false;
            });
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
    if (compilation != null && compilation.isCompilationTimeMonitoringSupported()) {
      FunctionCounter.builder(COMPILATION_TIME, compilation, c -> c.getTotalCompilationTime() / 1e3)
          .tag("compiler", compilation.getName())
          .description("The approximate accumulated elapsed time spent in compilation")
          .baseUnit("seconds")
          .register(registry);
    }
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean hotspot
        && hotspot.getProcessCpuTime() >= 0) {
      FunctionCounter.builder(PROCESS_CPU_TIME, hotspot, b -> b.getProcessCpuTime() / 1e9)
          .description("The \"cpu time\" used by the Java Virtual Machine process")
          .baseUnit("seconds")
          .register(registry);
    }
    Gauge.builder(CPUS, Runtime.getRuntime(), Runtime::availableProcessors)
        .description("The number of processors available to the Java virtual machine")
        .register(registry);
  }
}
