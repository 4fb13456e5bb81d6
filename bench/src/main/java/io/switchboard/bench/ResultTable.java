package io.switchboard.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code table --in results.jsonl [--baseline bare-coalesced]}: one Markdown table per kind, every
 * figure with its ratio to the baseline target's run of the same scenario.
 */
final class ResultTable {
  private ResultTable() {}

  static int run(Args a) throws Exception {
    Path in = Path.of(a.str("in", null));
    String baseline = a.str("baseline", "bare-coalesced");
    a.rejectUnknown();
    List<JsonObject> rows = new ArrayList<>();
    for (String line : Files.readAllLines(in)) {
      if (!line.isBlank()) {
        rows.add(new JsonObject(line));
      }
    }
    System.out.print(render(rows, baseline));
    return 0;
  }

  static String render(List<JsonObject> rows, String baseline) {
    Map<String, JsonObject> base = new LinkedHashMap<>();
    for (JsonObject r : rows) {
      if (baseline.equals(r.getString("target"))) {
        base.put(r.getString("scenario"), r);
      }
    }
    StringBuilder sb = new StringBuilder();
    List<JsonObject> fan = rows.stream().filter(r -> "fanout".equals(r.getString("kind"))).toList();
    if (!fan.isEmpty()) {
      sb.append("| scenario | target | offered deliveries/s | delivered/s | × ")
          .append(baseline)
          .append(" | loss | p50 ms | p99 ms | p99.9 ms | max ms | server CPU ns/delivery | × ")
          .append(baseline)
          .append(" | server cores | load-gen cores | other cores |\n");
      sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (JsonObject r : fan) {
        JsonObject b = base.get(r.getString("scenario"));
        JsonObject lat = r.getJsonObject("latency");
        double offered = r.getDouble("offeredDeliveriesPerSec");
        sb.append("| ")
            .append(r.getString("scenario"))
            .append(" | ")
            .append(r.getString("target"))
            .append(" | ")
            .append(offered > 0 ? String.format("%,.0f", offered) : "max")
            .append(" | ")
            .append(String.format("%,.0f", r.getDouble("deliveriesPerSec")))
            .append(" | ")
            .append(ratio(r, b, "deliveriesPerSec"))
            .append(" | ")
            .append(String.format("%d (%.3f%%)", r.getLong("lost"), r.getDouble("lossPct")))
            .append(" | ")
            .append(fmt(lat.getDouble("p50Ms")))
            .append(" | ")
            .append(fmt(lat.getDouble("p99Ms")))
            .append(" | ")
            .append(fmt(lat.getDouble("p999Ms")))
            .append(" | ")
            .append(fmt(lat.getDouble("maxMs")))
            .append(" | ")
            .append(String.format("%,.0f", r.getDouble("serverCpuNsPerDelivery")))
            .append(" | ")
            .append(ratio(r, b, "serverCpuNsPerDelivery"))
            .append(" | ")
            .append(String.format("%.2f", r.getDouble("serverCores")))
            .append(" | ")
            .append(String.format("%.2f", r.getDouble("genCores")))
            .append(" | ")
            .append(String.format("%.2f", r.getDouble("otherCores", -1.0)))
            .append(" |\n");
      }
    }
    List<JsonObject> paired =
        fan.stream().filter(r -> r.getString("baselineScenario") != null).toList();
    if (!paired.isEmpty()) {
      // Feature on vs off on the same target in the same invocation: compression, batching, a stuck
      // consumer.
      Map<String, JsonObject> byScenario = new LinkedHashMap<>();
      fan.forEach(r -> byScenario.put(r.getString("target") + "/" + r.getString("scenario"), r));
      sb.append(
              "\n| scenario | against | delivered/s | loss | p99 ms | × against | server CPU ns/delivery | × against")
          .append(
              " | deliveries per server CPU-second | × against | wire bytes/delivery | × against | stuck sockets |\n");
      sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
      for (JsonObject r : paired) {
        JsonObject b =
            byScenario.get(r.getString("target") + "/" + r.getString("baselineScenario"));
        JsonObject stuck = r.getJsonObject("stuck");
        sb.append("| ")
            .append(r.getString("scenario"))
            .append(" | ")
            .append(r.getString("baselineScenario"))
            .append(" | ")
            .append(String.format("%,.0f", r.getDouble("deliveriesPerSec")))
            .append(" | ")
            .append(String.format("%d (%.3f%%)", r.getLong("lost"), r.getDouble("lossPct")))
            .append(" | ")
            .append(fmt(r.getJsonObject("latency").getDouble("p99Ms")))
            .append(" | ")
            .append(
                b == null
                    ? "–"
                    : ratio(r.getJsonObject("latency"), b.getJsonObject("latency"), "p99Ms"))
            .append(" | ")
            .append(String.format("%,.0f", r.getDouble("serverCpuNsPerDelivery")))
            .append(" | ")
            .append(ratio(r, b, "serverCpuNsPerDelivery"))
            .append(" | ")
            .append(String.format("%,.0f", r.getDouble("deliveriesPerServerCpuSecond", -1.0)))
            .append(" | ")
            .append(ratio(r, b, "deliveriesPerServerCpuSecond"))
            .append(" | ")
            .append(String.format("%.1f", r.getDouble("wireBytesPerDelivery", -1.0)))
            .append(" | ")
            .append(ratio(r, b, "wireBytesPerDelivery"))
            .append(" | ")
            .append(
                stuck == null
                    ? "–"
                    : String.format(
                        "%d, close codes %s, server live heap after %,d KB",
                        stuck.getInteger("sockets"),
                        stuck.getString("closeCodes"),
                        stuck.getLong("serverLiveHeapKbAfter")))
            .append(" |\n");
      }
    }
    List<JsonObject> idle = rows.stream().filter(r -> "idle".equals(r.getString("kind"))).toList();
    if (!idle.isEmpty()) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      sb.append(
              "| scenario | target | deflate offered | joined | connect+join/s | cores while connecting (server/gen)")
          .append(" | RSS KB/conn | × ")
          .append(baseline)
          .append(" | live heap KB/conn | × ")
          .append(baseline)
          .append(" |\n");
      sb.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
      for (JsonObject r : idle) {
        JsonObject b = base.get(r.getString("scenario"));
        sb.append("| ")
            .append(r.getString("scenario"))
            .append(" | ")
            .append(r.getString("target"))
            .append(" | ")
            .append(r.getBoolean("deflate") ? "yes" : "no")
            .append(" | ")
            .append(String.format("%,d/%,d", r.getInteger("joined"), r.getInteger("connections")))
            .append(" | ")
            .append(String.format("%,.0f", r.getDouble("connectPerSec")))
            .append(" | ")
            .append(
                String.format(
                    "%.2f / %.2f",
                    r.getDouble("connectServerCores", -1.0), r.getDouble("connectGenCores", -1.0)))
            .append(" | ")
            .append(String.format("%.2f", r.getDouble("rssKbPerConnection")))
            .append(" | ")
            .append(ratio(r, b, "rssKbPerConnection"))
            .append(" | ")
            .append(String.format("%.2f", r.getDouble("heapKbPerConnection")))
            .append(" | ")
            .append(ratio(r, b, "heapKbPerConnection"))
            .append(" |\n");
      }
    }
    return sb.toString();
  }

  /** {@code value / baseline's value}, or a dash when either is missing or not positive. */
  static String ratio(JsonObject r, JsonObject base, String key) {
    if (base == null) {
      return "–";
    }
    double v = r.getDouble(key, -1.0);
    double b = base.getDouble(key, -1.0);
    return v > 0 && b > 0 ? String.format("%.2f×", v / b) : "–";
  }

  private static String fmt(double ms) {
    return ms >= 100 ? String.format("%.0f", ms) : String.format("%.2f", ms);
  }
}
