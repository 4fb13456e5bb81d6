package io.switchboard.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.support.Await;
import io.switchboard.support.Scrape;
import io.switchboard.support.Scrape.Sample;
import io.switchboard.support.TestNode;
import io.switchboard.support.TestSocket;
import io.switchboard.support.Tools;
import io.switchboard.support.Traffic;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every panel of the Grafana dashboard shows a value that moves under traffic. Each panel's PromQL
 * is reduced to the series it selects (metric name as scraped, with its label matchers); a real
 * node, with the shipped HAProxy config in front of it, serves every kind of traffic ({@link
 * Traffic}, plus a socket through HAProxy); then each selector must match series in the scrape
 * Prometheus takes them from (the node's, or HAProxy's for {@code haproxy_*}), and their sum must
 * have grown since before the traffic, except for the few {@link #NOT_MOVED_BY_TRAFFIC} says why.
 */
class DashboardPanelsTest {
  static final File DASHBOARD = new File("../deploy/grafana/dashboards/switchboard.json");
  static final File HAPROXY_CFG = new File("../deploy/haproxy/haproxy.cfg");

  /** Present, but one node's traffic cannot move them; the reason is the assertion message. */
  static final Map<String, String> NOT_MOVED_BY_TRAFFIC =
      Map.of(
          "switchboard_cluster_published_total",
              "moves only between clustered nodes (ClusteredScrapeLintTest, ClusterTest)",
          "switchboard_cluster_received_total", "moves only between clustered nodes (ClusterTest)",
          "switchboard_cluster_nodes",
              "a single node's cluster view is itself: 1 (ClusterTest sees 3)",
          "haproxy_server_status",
              "a state (1 = UP), not a count: asserted 1 for the node instead");

  static TestNode node;
  static HttpClient http;
  static Process haproxy;
  static final List<String> haproxyOutput = new CopyOnWriteArrayList<>();
  static int lbPort;
  static int statsPort;

  record Matcher(String label, String op, String value) {
    boolean test(Map<String, String> labels) {
      String actual = labels.getOrDefault(label, "");
      return switch (op) {
        case "=" -> actual.equals(value);
        case "!=" -> !actual.equals(value);
        case "=~" -> Pattern.compile(value).matcher(actual).matches();
        case "!~" -> !Pattern.compile(value).matcher(actual).matches();
        default -> throw new AssertionError("matcher " + op);
      };
    }
  }

  record Selector(String name, List<Matcher> matchers) {
    List<Sample> in(List<Sample> scrape) {
      return scrape.stream()
          .filter(s -> s.name().equals(name) && matchers.stream().allMatch(m -> m.test(s.labels())))
          .toList();
    }

    @Override
    public String toString() {
      return name + matchers.stream().map(m -> m.label + m.op + "\"" + m.value + "\"").toList();
    }
  }

  record Panel(String title, List<String> exprs) {}

  @BeforeAll
  static void start() {
    String haproxyBin = Tools.require("haproxy", "haproxy");
    node = TestNode.start(Traffic::configure);
    http = node.vertx.createHttpClient();
    lbPort = Tools.freePort();
    statsPort = Tools.freePort();
    // The node is node1; node2 and node3 point at ports nobody listens on (DOWN, as with a node
    // gone).
    Map<String, String> haproxyEnv =
        Map.of(
            "LB_BIND",
            "127.0.0.1:" + lbPort,
            "LB_STATS_BIND",
            "127.0.0.1:" + statsPort,
            "LB_MAXCONN",
            "100",
            "NODE1_ADDR",
            "127.0.0.1:" + node.port(),
            "NODE2_ADDR",
            "127.0.0.1:" + Tools.freePort(),
            "NODE3_ADDR",
            "127.0.0.1:" + Tools.freePort());
    haproxy =
        Tools.start(
            List.of(haproxyBin, "-db", "-f", HAPROXY_CFG.getPath()), haproxyEnv, haproxyOutput);
    Await.until(
        "HAProxy reports node1 UP",
        () -> {
          assertTrue(haproxy.isAlive(), "haproxy exited:\n" + String.join("\n", haproxyOutput));
          try {
            return new Selector(
                    "haproxy_server_status",
                    List.of(new Matcher("server", "=", "node1"), new Matcher("state", "=", "UP")))
                .in(haproxyScrape()).stream().anyMatch(s -> s.value() == 1.0);
          } catch (RuntimeException notListeningYet) {
            return false;
          }
        });
  }

  @AfterAll
  static void stop() {
    Tools.stop(haproxy); // SIGTERM: HAProxy stops at once (hard-stop-after bounds it)
    if (node != null) {
      node.close();
    }
  }

  static List<Sample> nodeScrape() {
    return Scrape.samples(Scrape.text(http, node.main.metricsPort()));
  }

  static List<Sample> haproxyScrape() {
    return Scrape.samples(
        Await.result(
                http.request(HttpMethod.GET, statsPort, "127.0.0.1", "/metrics")
                    .compose(req -> req.send().compose(resp -> resp.body())))
            .toString());
  }

  /**
   * Every panel with queries, rows' nested panels included (a collapsed row keeps its panels
   * inside).
   */
  static List<Panel> panels() {
    JsonObject dashboard;
    try {
      dashboard = new JsonObject(Files.readString(DASHBOARD.toPath()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Panel> panels = new ArrayList<>();
    collect(dashboard.getJsonArray("panels"), panels);
    return panels;
  }

  private static void collect(JsonArray from, List<Panel> into) {
    for (Object o : from) {
      JsonObject p = (JsonObject) o;
      if ("row".equals(p.getString("type"))) {
        collect(p.getJsonArray("panels", new JsonArray()), into);
        continue;
      }
      List<String> exprs =
          p.getJsonArray("targets", new JsonArray()).stream()
              .map(t -> ((JsonObject) t).getString("expr"))
              .toList();
      into.add(new Panel(p.getString("title"), exprs));
    }
  }

  /**
   * Keywords, binary operators and aggregation operators (an aggregation may have "by (...)" before
   * its "(").
   */
  static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "offset",
          "bool",
          "and",
          "or",
          "unless",
          "inf",
          "nan",
          "atan2",
          "sum",
          "min",
          "max",
          "avg",
          "group",
          "stddev",
          "stdvar",
          "count",
          "count_values",
          "bottomk",
          "topk",
          "quantile",
          "limitk",
          "limit_ratio");

  static final Set<String> LABEL_LISTS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

  /**
   * The series selectors of a PromQL expression: function and aggregation names, keywords, label
   * lists ({@code by (...)}), ranges ({@code [1m]}), numbers and strings are not metric names.
   */
  static List<Selector> selectors(String expr) {
    List<Selector> found = new ArrayList<>();
    int i = 0;
    while (i < expr.length()) {
      char c = expr.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        i = endOfString(expr, i);
      } else if (c == '[') {
        i = expr.indexOf(']', i) + 1;
      } else if (c == '{') {
        int end = endOfBraces(expr, i);
        found.add(selector(null, expr.substring(i + 1, end - 1), expr));
        i = end;
      } else if (Character.isDigit(c)
          || (c == '.' && i + 1 < expr.length() && Character.isDigit(expr.charAt(i + 1)))) {
        while (i < expr.length()
            && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) {
          i++; // 0.95, 1e3, 0x1f, and durations (offset 5m)
        }
      } else if (Character.isLetter(c) || c == '_' || c == ':') {
        int start = i;
        while (i < expr.length()
            && (Character.isLetterOrDigit(expr.charAt(i))
                || expr.charAt(i) == '_'
                || expr.charAt(i) == ':')) {
          i++;
        }
        String word = expr.substring(start, i);
        int next = skipSpaces(expr, i);
        boolean call = next < expr.length() && expr.charAt(next) == '(';
        if (LABEL_LISTS.contains(word) && call) {
          i = expr.indexOf(')', next) + 1;
        } else if (!call && !KEYWORDS.contains(word.toLowerCase())) {
          if (next < expr.length() && expr.charAt(next) == '{') {
            int end = endOfBraces(expr, next);
            found.add(selector(word, expr.substring(next + 1, end - 1), expr));
            i = end;
          } else {
            found.add(new Selector(word, List.of()));
          }
        }
      } else {
        i++;
      }
    }
    return found;
  }

  private static final Pattern MATCHER =
      Pattern.compile(
          "\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,?");

  private static Selector selector(String name, String body, String expr) {
    List<Matcher> matchers = new ArrayList<>();
    java.util.regex.Matcher m = MATCHER.matcher(body);
    int at = 0;
    while (at < body.length() && m.find(at) && m.start() == at) {
      matchers.add(
          new Matcher(
              m.group(1), m.group(2), m.group(3).replace("\\\"", "\"").replace("\\\\", "\\")));
      at = m.end();
    }
    assertTrue(
        body.substring(at).isBlank(), "cannot read the label matchers {" + body + "} in " + expr);
    if (name == null) {
      Matcher byName =
          matchers.stream()
              .filter(x -> x.label.equals("__name__") && x.op.equals("="))
              .findFirst()
              .orElseThrow(() -> new AssertionError("a selector without a metric name in " + expr));
      name = byName.value;
      matchers.remove(byName);
    }
    return new Selector(name, List.copyOf(matchers));
  }

  private static int endOfString(String s, int open) {
    char quote = s.charAt(open);
    int i = open + 1;
    while (s.charAt(i) != quote) {
      i += s.charAt(i) == '\\' ? 2 : 1;
    }
    return i + 1;
  }

  private static int endOfBraces(String s, int open) {
    int i = open + 1;
    while (s.charAt(i) != '}') {
      i = s.charAt(i) == '"' ? endOfString(s, i) : i + 1;
    }
    return i + 1;
  }

  private static int skipSpaces(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  @Test
  void selectorsAreReadFromPromql() {
    assertEquals(
        List.of(new Selector("websocket_message_duration_seconds_bucket", List.of())),
        selectors(
            "histogram_quantile(0.95, sum by (le) (rate(websocket_message_duration_seconds_bucket[1m])))"));
    assertEquals(
        List.of(
            new Selector(
                "haproxy_server_status",
                List.of(
                    new Matcher("proxy", "=", "switchboard_nodes"),
                    new Matcher("state", "=~", "UP|MAINT")))),
        selectors(
            "max without (server) (haproxy_server_status{proxy=\"switchboard_nodes\", state=~\"UP|MAINT\"})"));
    assertEquals(
        List.of(
            new Selector("a_total", List.of()),
            new Selector("b", List.of(new Matcher("x", "!=", "}")))),
        selectors(
            "sum by (node, direction) (rate(a_total[5m] offset 1h)) / on (node) group_left (x) {__name__=\"b\",x!=\"}\"} > bool 2e3"));
  }

  @Test
  void everyPanelShowsValuesThatMoveUnderTraffic() {
    List<Panel> panels = panels();
    assertFalse(panels.isEmpty(), "no panels in " + DASHBOARD);
    Map<String, List<Selector>> byPanel = new LinkedHashMap<>();
    for (Panel p : panels) {
      assertFalse(p.exprs().isEmpty(), "panel '" + p.title() + "' has no query");
      List<Selector> selectors = p.exprs().stream().flatMap(e -> selectors(e).stream()).toList();
      assertFalse(selectors.isEmpty(), "panel '" + p.title() + "' selects no metric: " + p.exprs());
      byPanel.put(p.title(), selectors);
    }

    List<Sample> nodeBefore = nodeScrape();
    List<Sample> lbBefore = haproxyScrape();
    List<Sample> nodeDuring;
    List<Sample> lbDuring;
    try (Traffic t = Traffic.generate(node, http);
        TestSocket viaLb =
            TestSocket.connect(
                node.client(), lbPort, "token=" + node.token("via-lb") + "&vsn=2.0.0")) {
      assertEquals("ok", TestSocket.status(viaLb.join("1", "room:traffic")));
      // HAProxy's counters are its own: read them once they show the socket.
      Await.until(
          "HAProxy counts the socket through it",
          () ->
              new Selector(
                      "haproxy_server_current_sessions",
                      List.of(new Matcher("server", "=", "node1")))
                  .in(haproxyScrape()).stream().anyMatch(s -> s.value() >= 1));
      nodeDuring = nodeScrape();
      lbDuring = haproxyScrape();
    }

    List<String> problems = new ArrayList<>();
    StringBuilder table = new StringBuilder("panel | selector | before | during\n");
    byPanel.forEach(
        (title, selectors) -> {
          for (Selector s : selectors) {
            boolean lb = s.name().startsWith("haproxy_");
            List<Sample> during = s.in(lb ? lbDuring : nodeDuring);
            double sumBefore =
                s.in(lb ? lbBefore : nodeBefore).stream().mapToDouble(Sample::value).sum();
            double sumDuring = during.stream().mapToDouble(Sample::value).sum();
            table
                .append(title)
                .append(" | ")
                .append(s)
                .append(" | ")
                .append(sumBefore)
                .append(" | ")
                .append(sumDuring)
                .append('\n');
            if (during.isEmpty()) {
              List<String> family =
                  (lb ? lbDuring : nodeDuring)
                      .stream()
                          .map(Sample::name)
                          .filter(
                              n ->
                                  n.startsWith(
                                      s.name().replaceAll("_(total|bucket|count|sum)$", "")))
                          .distinct()
                          .toList();
              problems.add(
                  "'"
                      + title
                      + "': no series "
                      + s
                      + " in the "
                      + (lb ? "HAProxy" : "node")
                      + " scrape"
                      + (family.isEmpty() ? "" : " (it has " + family + ")"));
            } else if (!NOT_MOVED_BY_TRAFFIC.containsKey(s.name()) && !(sumDuring > sumBefore)) {
              problems.add(
                  "'"
                      + title
                      + "': "
                      + s
                      + " did not move under traffic: "
                      + sumBefore
                      + " -> "
                      + sumDuring);
            }
          }
        });
    System.out.print(table);
    assertEquals(List.of(), problems, table::toString);
    // What the exceptions assert instead.
    assertEquals(
        List.of(1.0),
        new Selector(
                "haproxy_server_status",
                List.of(new Matcher("server", "=", "node1"), new Matcher("state", "=", "UP")))
            .in(lbDuring).stream().map(Sample::value).toList());
    assertEquals(
        List.of(1.0),
        new Selector("switchboard_cluster_nodes", List.of())
            .in(nodeDuring).stream().map(Sample::value).toList());
  }
}
