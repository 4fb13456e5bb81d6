package io.switchboard.bench;

import io.switchboard.coalescing.FlushScheduler;
import io.switchboard.protocol.Events;
import io.switchboard.protocol.Frame;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.V2JsonCodec;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * The baseline: the least a Vert.x 5 server must do to serve the same load as Switchboard. It
 * speaks just enough Phoenix V2 (join, heartbeat, push → broadcast to the topic + ok reply) that
 * one load generator drives both, and decodes/encodes with the same codec, so the difference to
 * Switchboard is its architecture (event-bus routing, several socket verticles, limits, metrics),
 * not the wire format. One verticle on one event loop, no auth, no limits. Each broadcast is
 * encoded once and the same bytes are written to every subscriber.
 */
final class BareServer extends VerticleBase {
  static final String SOCKET_PATH = "/socket/websocket";
  private static final Buffer EMPTY = Buffer.buffer("{}");

  private final String host;
  private final int port;
  private final BareSocket.Mode mode;
  private final Map<String, ArrayList<BareSocket>> topics = new HashMap<>();
  private FlushScheduler flusher;

  BareServer(String host, int port, BareSocket.Mode mode) {
    this.host = host;
    this.port = port;
    this.mode = mode;
  }

  /**
   * {@code bare-server --port P --mode flush|coalesced [--transport nio|epoll|io_uring]}: runs
   * until SIGTERM.
   */
  static void main(Args a) {
    String host = Loopback.require(a.str("host", "127.0.0.1"));
    int port = a.integer("port", 4100);
    BareSocket.Mode mode = BareSocket.Mode.valueOf(a.str("mode", "coalesced").toUpperCase());
    // The same choice Switchboard makes from SWITCHBOARD_TRANSPORT, so a baseline can run on the
    // same transport.
    String transport = a.str("transport", "nio");
    a.rejectUnknown();
    Vertx vertx =
        Vertx.builder()
            .withTransport(
                switch (transport) {
                  case "nio" -> io.vertx.core.transport.Transport.NIO;
                  case "epoll" -> io.vertx.core.transport.Transport.EPOLL;
                  case "io_uring" -> io.vertx.core.transport.Transport.IO_URING;
                  default ->
                      throw new IllegalArgumentException(
                          "--transport is nio, epoll or io_uring, not " + transport);
                })
            .build();
    vertx
        .deployVerticle(new BareServer(host, port, mode))
        .toCompletionStage()
        .toCompletableFuture()
        .join();
    System.out.println(
        "bare-server listening on "
            + host
            + ":"
            + port
            + " mode="
            + mode.name().toLowerCase()
            + " transport="
            + transport
            + " pid="
            + ProcessHandle.current().pid());
  }

  @Override
  public Future<?> start() {
    flusher = new FlushScheduler(context);
    // Same defaults as Switchboard's server options (permessage-deflate accepted when offered).
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(host)
            .setPort(port)
            .setMaxWebSocketFrameSize(65536)
            .setMaxWebSocketMessageSize(65536);
    // A raw request handler, not a Router: vertx-web wraps the ServerWebSocket and hides the Netty
    // context.
    return vertx
        .createHttpServer(options)
        .requestHandler(
            req -> {
              if (!SOCKET_PATH.equals(req.path())) {
                req.response().setStatusCode(404).end();
                return;
              }
              req.toWebSocket().onSuccess(this::open);
            })
        .listen();
  }

  private void open(ServerWebSocket ws) {
    BareSocket s = new BareSocket(ws, mode, flusher);
    ws.textMessageHandler(text -> onText(s, text));
    ws.closeHandler(
        v -> {
          for (String t : s.topics) {
            ArrayList<BareSocket> subs = topics.get(t);
            if (subs != null) {
              subs.remove(s);
            }
          }
        });
  }

  private void onText(BareSocket s, String text) {
    Frame f;
    try {
      f = V2JsonCodec.decode(text);
    } catch (FrameException e) {
      return;
    }
    switch (f.event()) {
      case Events.JOIN -> {
        if (s.topics.add(f.topic())) {
          topics.computeIfAbsent(f.topic(), t -> new ArrayList<>()).add(s);
        }
        s.write(V2JsonCodec.reply(f.joinRef(), f.ref(), f.topic(), Events.STATUS_OK, EMPTY));
      }
      case Events.HEARTBEAT ->
          s.write(V2JsonCodec.reply(null, f.ref(), f.topic(), Events.STATUS_OK, EMPTY));
      default -> {
        ArrayList<BareSocket> subs = s.topics.contains(f.topic()) ? topics.get(f.topic()) : null;
        if (subs == null) {
          s.write(
              V2JsonCodec.reply(
                  null,
                  f.ref(),
                  f.topic(),
                  Events.STATUS_ERROR,
                  Buffer.buffer("{\"reason\":\"unmatched topic\"}")));
          return;
        }
        // Encoded once; every subscriber (sender included, as in Phoenix) gets the same bytes.
        Buffer frame = V2JsonCodec.encode(null, null, f.topic(), f.event(), f.payload());
        for (int i = 0, n = subs.size(); i < n; i++) {
          subs.get(i).write(frame);
        }
        s.write(V2JsonCodec.reply(f.joinRef(), f.ref(), f.topic(), Events.STATUS_OK, EMPTY));
      }
    }
  }
}
