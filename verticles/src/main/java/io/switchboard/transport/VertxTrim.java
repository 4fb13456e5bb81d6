package io.switchboard.transport;

import io.netty.channel.ChannelHandler;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Drops what Vert.x 5.0.7 keeps for every upgraded server WebSocket but never uses again (measured
 * at 10,000 idle sockets: 17.2 KB → 4.0 KB of live heap per socket):
 *
 * <ol>
 *   <li>the upgrade's whole HTTP/1.1 connection, request, response and their headers, held only by
 *       the {@code connectionFactory} lambda the new {@link VertxHandler} keeps after it has run
 *       (7.2 KB, half of it the HTTP connection's MPSC outbound queue, a 1,025-slot array);
 *   <li>the WebSocket connection's own MPSC outbound queue (4.8 KB), swapped for Vert.x's direct
 *       queue, the one its {@code strictThreadMode} uses: every write to our sockets is made on
 *       their event loop;
 *   <li>the request headers, URI and query the socket copied (1.3 KB, the token twice): {@code
 *       ws.headers()}, {@code uri()} and {@code query()} return null afterwards.
 * </ol>
 *
 * Vert.x internals: if they change, {@link #ACTIVE} is false, a warning is logged and sockets work
 * as before (only larger). {@code -Dswitchboard.vertxTrim=false} turns it off.
 */
final class VertxTrim {
  private static final System.Logger log = System.getLogger(VertxTrim.class.getName());
  private static final Field FACTORY;
  private static final Field OUTBOUND;
  private static final Constructor<?> DIRECT;
  private static final Field HEADERS;
  private static final Field URI;
  private static final Field QUERY;
  static final boolean ACTIVE;

  /** Sockets trimmed so far (VertxTrimTest checks the upgrade path really trims). */
  static final LongAdder TRIMMED = new LongAdder();

  private static final AtomicBoolean FAILURE_LOGGED = new AtomicBoolean();

  static {
    Field factory = null;
    Field outbound = null;
    Constructor<?> direct = null;
    Field headers = null;
    Field uri = null;
    Field query = null;
    boolean active = !"false".equals(System.getProperty("switchboard.vertxTrim"));
    if (active) {
      try {
        factory = accessible(VertxHandler.class.getDeclaredField("connectionFactory"));
        outbound = accessible(VertxConnection.class.getDeclaredField("outboundMessageQueue"));
        direct =
            Class.forName("io.vertx.core.net.impl.VertxConnection$DirectOutboundMessageQueue")
                .getDeclaredConstructor(VertxConnection.class);
        direct.setAccessible(true);
        headers =
            accessible(
                Class.forName("io.vertx.core.http.impl.WebSocketImplBase")
                    .getDeclaredField("headers"));
        Class<?> server = Class.forName("io.vertx.core.http.impl.ServerWebSocketImpl");
        uri = accessible(server.getDeclaredField("uri"));
        query = accessible(server.getDeclaredField("query"));
      } catch (ReflectiveOperationException | RuntimeException e) {
        log.log(
            System.Logger.Level.WARNING,
            "Vert.x internals changed: sockets keep Vert.x's per-connection extras (about 13 KB each): "
                + e);
        active = false;
      }
    }
    FACTORY = factory;
    OUTBOUND = outbound;
    DIRECT = direct;
    HEADERS = headers;
    URI = uri;
    QUERY = query;
    ACTIVE = active;
  }

  private VertxTrim() {}

  private static Field accessible(Field f) {
    f.setAccessible(true);
    return f;
  }

  /** Right after the upgrade, on the socket's event loop, before any write. */
  static void trim(ServerWebSocket ws) {
    if (!ACTIVE) {
      return;
    }
    try {
      ChannelHandler h = ((WebSocketInternal) ws).channelHandlerContext().handler();
      if (h instanceof VertxHandler<?> vh) {
        FACTORY.set(vh, null);
        VertxConnection conn = vh.getConnection();
        OUTBOUND.set(conn, DIRECT.newInstance(conn));
      }
      HEADERS.set(ws, null);
      URI.set(ws, null);
      QUERY.set(ws, null);
      TRIMMED.increment();
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Once: if one socket cannot be trimmed, none can, and a warning per socket would flood the
      // log.
      if (FAILURE_LOGGED.compareAndSet(false, true)) {
        log.log(
            System.Logger.Level.WARNING,
            "could not trim a socket (sockets keep about 13 KB of Vert.x extras each): " + e);
      }
    }
  }
}
