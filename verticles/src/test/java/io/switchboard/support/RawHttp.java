package io.switchboard.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain {@link Socket}, for what a client library will not do: send half a request,
 * send nothing, or read exactly what the server wrote before it closed. Every read has the test
 * deadline ({@link TestNode#DEADLINE}) as its timeout.
 */
public final class RawHttp {
  private RawHttp() {}

  /** What the server sent until it closed the connection: a response, or nothing at all. */
  public record Answer(String raw) {
    public boolean empty() {
      return raw.isEmpty();
    }

    /** The status code, or -1 when nothing was sent. */
    public int status() {
      return empty() ? -1 : Integer.parseInt(raw.substring(9, 12));
    }

    /** A header of the (first) response, by case-insensitive name, or null. */
    public String header(String name) {
      return headers().get(name.toLowerCase(Locale.ROOT));
    }

    public Map<String, String> headers() {
      Map<String, String> headers = new LinkedHashMap<>();
      int end = raw.indexOf("\r\n\r\n");
      String[] lines = raw.substring(0, end < 0 ? raw.length() : end).split("\r\n");
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.putIfAbsent(
              lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim());
        }
      }
      return headers;
    }

    public String body() {
      int end = raw.indexOf("\r\n\r\n");
      return end < 0 ? "" : raw.substring(end + 4);
    }
  }

  /** A connection to the node's socket port on loopback, reads bounded by the test deadline. */
  public static Socket open(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout((int) TestNode.DEADLINE.toMillis());
    return s;
  }

  public static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
  }

  /** {@code GET path} with {@code Connection: close} and any extra header lines ("Name: value"). */
  public static String get(String path, int port, String... headers) {
    StringBuilder request =
        new StringBuilder("GET ")
            .append(path)
            .append(" HTTP/1.1\r\nHost: 127.0.0.1:")
            .append(port)
            .append("\r\nConnection: close\r\n");
    for (String h : headers) {
      request.append(h).append("\r\n");
    }
    return request.append("\r\n").toString();
  }

  /** A WebSocket upgrade request for {@code path} (query included). */
  public static String upgrade(String path, int port, String... headers) {
    String[] all = new String[headers.length + 4];
    all[0] = "Upgrade: websocket";
    all[1] = "Connection: Upgrade";
    all[2] = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==";
    all[3] = "Sec-WebSocket-Version: 13";
    System.arraycopy(headers, 0, all, 4, headers.length);
    return get(path, port, all).replace("Connection: close\r\n", "");
  }

  /** Sends {@code request} on a new connection and reads until the server closes it. */
  public static Answer exchange(int port, String request) throws IOException {
    try (Socket s = open(port)) {
      send(s, request);
      return readUntilClosed(s);
    }
  }

  /**
   * Everything the server sends until it closes; fails if it is still open at the deadline. A reset
   * after the answer counts as the close.
   */
  public static Answer readUntilClosed(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        got.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError(
          "still open after " + TestNode.DEADLINE + "; received: " + got.toString(), e);
    } catch (SocketException reset) {
      // the server closed with unread input on its side: what it sent before is all there is
    }
    return new Answer(got.toString(StandardCharsets.ISO_8859_1));
  }

  /** Reads one response head (status line and headers), leaving the connection open. */
  public static Answer readHead(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("closed before a whole response head: " + head);
      }
      head.append((char) b);
    }
    return new Answer(head.toString());
  }
}
