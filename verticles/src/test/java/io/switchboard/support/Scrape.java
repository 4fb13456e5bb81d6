package io.switchboard.support;

import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a node's Prometheus scrape over real HTTP, as Prometheus would. */
public final class Scrape {
  private Scrape() {
  }

  public static String text(HttpClient http, int metricsPort) {
    return Await.result(http.request(HttpMethod.GET, metricsPort, "127.0.0.1", "/metrics")
        .compose(req -> req.send().compose(resp -> resp.body()))).toString();
  }

  /** The value of one series (name with its labels, as printed), or NaN when the scrape has none. */
  public static double value(String scrape, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  public static double value(HttpClient http, int metricsPort, String series) {
    return value(text(http, metricsPort), series);
  }
}
