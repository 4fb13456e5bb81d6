package io.switchboard.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Polls Switchboard's scrape endpoint (a thread of its own, every 500 ms, while the run lasts) for
 * the count of sockets closed with 4008 "slow consumer", and notes when the first one appeared: the
 * stuck client cannot tell us itself, its reading is paused.
 */
final class SlowConsumerWatch {
  private static final Pattern CLOSES =
      Pattern.compile(
          "(?m)^websocket_server_closes_total\\{[^}]*code=\"4008\"[^}]*\\}\\s+([0-9.eE+]+)");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final HttpRequest request;
  private final long start = System.nanoTime();
  private final double before;
  private final Thread thread;
  private volatile double latest;
  private volatile long firstCutNanos = -1;
  private volatile boolean running = true;

  private SlowConsumerWatch(String metricsUrl) {
    this.request =
        HttpRequest.newBuilder(URI.create(Loopback.requireUrl(metricsUrl).toString()))
            .timeout(Duration.ofSeconds(2))
            .build();
    this.before = scrape();
    this.latest = before;
    this.thread = new Thread(this::poll, "slow-consumer-watch");
    thread.setDaemon(true);
  }

  static SlowConsumerWatch start(String metricsUrl) {
    SlowConsumerWatch w = new SlowConsumerWatch(metricsUrl);
    w.thread.start();
    return w;
  }

  private void poll() {
    while (running) {
      double now = scrape();
      if (now > latest) {
        latest = now;
        if (firstCutNanos < 0) {
          firstCutNanos = System.nanoTime() - start;
        }
      }
      try {
        // A sampling period, not a wait for an event. Each scrape renders the whole registry on the
        // server's core: at 100 ms it cost the server ~30% more CPU per delivery in scenario f.
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  void stop() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(5_000);
    latest = Math.max(latest, scrape());
  }

  long closes() {
    return (long) (latest - before);
  }

  long firstCutMillis() {
    return firstCutNanos < 0 ? -1 : firstCutNanos / 1_000_000;
  }

  private double scrape() {
    try {
      String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
      Matcher m = CLOSES.matcher(body);
      return m.find() ? Double.parseDouble(m.group(1)) : 0;
    } catch (java.io.IOException e) {
      return latest;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return latest;
    }
  }
}
