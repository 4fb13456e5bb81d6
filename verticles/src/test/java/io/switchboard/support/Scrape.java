package io.switchboard.support;

import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a node's Prometheus scrape over real HTTP, as Prometheus would. */
public final class Scrape {
  private Scrape() {}

  public static String text(HttpClient http, int metricsPort) {
    return Await.result(
            http.request(HttpMethod.GET, metricsPort, "127.0.0.1", "/metrics")
                .compose(req -> req.send().compose(resp -> resp.body())))
        .toString();
  }

  /**
   * The value of one series (name with its labels, as printed), or NaN when the scrape has none.
   */
  public static double value(String scrape, String series) {
    Matcher m =
        Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE)
            .matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  public static double value(HttpClient http, int metricsPort, String series) {
    return value(text(http, metricsPort), series);
  }

  /**
   * One sample line of a scrape: series name as printed (with any _total, _bucket, _count, _sum),
   * labels, value.
   */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)(?: \\S+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** Every sample of a scrape in the Prometheus text format (comments skipped), in order. */
  public static List<Sample> samples(String scrape) {
    List<Sample> samples = new ArrayList<>();
    for (String line : scrape.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("not a sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(
              l.group(1),
              l.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\"));
        }
      }
      samples.add(
          new Sample(
              m.group(1), labels, Double.parseDouble(m.group(3).replace("Inf", "Infinity"))));
    }
    return samples;
  }
}
