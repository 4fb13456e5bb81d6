package io.switchboard.fuzz;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A blocking WebSocket client on a plain TCP socket: it writes whatever bytes it is given and reads
 * the server's frames one at a time with a deadline. What a fuzzer needs and no client library
 * allows (unmasked frames, lying lengths, half a frame and then EOF).
 */
final class RawWebSocket implements AutoCloseable {
  /** How the read ended when no frame came. */
  enum End {
    EOF,
    TIMEOUT
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 65536));
    this.out = socket.getOutputStream();
  }

  /** Connects and upgrades {@code pathAndQuery}; fails unless the answer is a 101. */
  static RawWebSocket open(int port, String pathAndQuery) throws IOException {
    return open(port, pathAndQuery, "");
  }

  /** With extra header lines (each ending in CRLF), e.g. an extension offer. */
  static RawWebSocket open(int port, String pathAndQuery, String extraHeaders) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    RawWebSocket ws = new RawWebSocket(s);
    ws.out.write(
        ("GET "
                + pathAndQuery
                + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + extraHeaders
                + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    ws.out.flush();
    s.setSoTimeout(10_000);
    StringBuilder head = new StringBuilder();
    while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
      int b = ws.in.read();
      if (b < 0) {
        s.close();
        throw new IOException("closed during the handshake: " + head);
      }
      head.append((char) b);
    }
    if (!head.toString().startsWith("HTTP/1.1 101")) {
      s.close();
      throw new IOException("upgrade refused: " + head.toString().lines().findFirst().orElse(""));
    }
    return ws;
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Sends FIN: the server sees EOF after what was written. */
  void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  /**
   * The next server frame within {@code timeoutMs}, or empty with {@link #lastEnd} saying why (EOF
   * or timeout).
   */
  Optional<WsWire.ServerFrame> next(int timeoutMs) throws IOException {
    socket.setSoTimeout(timeoutMs);
    try {
      int b0 = in.readUnsignedByte();
      int b1 = in.readUnsignedByte();
      long len = b1 & 0x7f;
      if (len == 126) {
        len = in.readUnsignedShort();
      } else if (len == 127) {
        len = in.readLong();
      }
      if ((b1 & 0x80) != 0) {
        throw new IOException("the server sent a masked frame");
      }
      if (len < 0 || len > 64 * 1024 * 1024) {
        throw new IOException("the server sent a frame of " + len + " bytes");
      }
      byte[] payload = new byte[(int) len];
      in.readFully(payload);
      return Optional.of(
          new WsWire.ServerFrame(b0 & 0x0f, (b0 & 0x80) != 0, (b0 & 0x40) != 0, payload));
    } catch (EOFException | SocketException e) {
      lastEnd = End.EOF;
      return Optional.empty();
    } catch (SocketTimeoutException e) {
      lastEnd = End.TIMEOUT;
      return Optional.empty();
    }
  }

  End lastEnd;

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a socket the server already closed
    }
  }
}
