package io.switchboard.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A loopback HTTP endpoint through which a JS test asks the JUnit side to act (SIGKILL a node, ...)
 * and waits for the answer. A request/response, unlike a marker line on stdout: Node's test runner
 * relays a test file's stdout through its own event stream and a line could reach us late, after
 * the JS side had already given up waiting.
 */
public final class TestControl implements AutoCloseable {
  private final HttpServer server;

  private TestControl(HttpServer server) {
    this.server = server;
  }

  /** Serves {@code POST /<name>} for each action; the action's result is the response body. */
  public static TestControl start(Map<String, Supplier<String>> actions) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    actions.forEach(
        (name, action) ->
            server.createContext(
                "/" + name,
                exchange -> {
                  int status;
                  String body;
                  try {
                    body = action.get();
                    status = 200;
                  } catch (RuntimeException | AssertionError e) {
                    body = String.valueOf(e);
                    status = 500;
                  }
                  byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                  exchange.sendResponseHeaders(status, bytes.length);
                  try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                  }
                }));
    server.start();
    return new TestControl(server);
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
