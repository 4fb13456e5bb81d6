package io.switchboard.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.HashMap;
import java.util.Map;

/**
 * permessage-deflate that keeps no compression context between messages ({@code
 * compression.noContextTakeover}), negotiated as gorilla/websocket (Centrifugo's library) does: the
 * answer carries server_no_context_takeover and, with {@code compression.clientNoContextTakeover},
 * client_no_context_takeover, whatever the client offered (RFC 7692 §7.1.1.1 and §7.1.1.2 let a
 * server add both). Browsers never offer them, and Netty answers only what was offered, so without
 * this each socket would keep a zlib stream per direction: the server's deflater (~57 KB) and, for
 * the client's messages, our inflater's 32 KB window (~40 KB). With both, Netty drops each after
 * every message. A fresh-context message is also the same bytes for every socket, which {@link
 * SharedDeflater} uses to compress a broadcast once. Netty-based clients refuse
 * client_no_context_takeover unless they allow it ({@code
 * WebSocketClientOptions.setCompressionAllowClientNoContext(true)}); docs/CONFIG.md says so.
 */
final class NoContextDeflate implements WebSocketServerExtensionHandshaker {
  /**
   * The name Vert.x gives its extension handler (HttpServerConnectionHandler), which we take the
   * place of.
   */
  private static final String HANDLER = "webSocketExtensionHandler";

  private static final String PERMESSAGE_DEFLATE = "permessage-deflate";

  private final PerMessageDeflateServerExtensionHandshaker netty;
  private final boolean askClient;

  private NoContextDeflate(int level, boolean askClient) {
    // Window 15: a client may not shrink the server's window (Netty's JDK zlib cannot); such offers
    // get no deflate.
    this.netty = new PerMessageDeflateServerExtensionHandshaker(level, false, 15, true, true);
    this.askClient = askClient;
  }

  /**
   * Takes the place of Vert.x's extension handler on a new HTTP/1 connection, before its upgrade
   * request is read.
   */
  static void install(HttpConnection connection, int level, boolean askClient) {
    if (connection instanceof ConnectionBase base) {
      ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
      if (pipeline.get(HANDLER) != null) {
        pipeline.replace(
            HANDLER,
            HANDLER,
            new WebSocketServerExtensionHandler(new NoContextDeflate(level, askClient)));
      }
    }
  }

  /** True if permessage-deflate was negotiated on this socket's pipeline. */
  static boolean negotiated(ChannelPipeline pipeline) {
    for (Map.Entry<String, ChannelHandler> e : pipeline) {
      if (e.getValue() instanceof WebSocketExtensionEncoder
          && e.getValue().getClass().getSimpleName().equals("PerMessageDeflateEncoder")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public WebSocketServerExtension handshakeExtension(WebSocketExtensionData offer) {
    if (!PERMESSAGE_DEFLATE.equals(offer.name())) {
      return null;
    }
    Map<String, String> asked = new HashMap<>(offer.parameters());
    asked.putIfAbsent("server_no_context_takeover", null);
    if (askClient) {
      asked.putIfAbsent("client_no_context_takeover", null);
    }
    return netty.handshakeExtension(new WebSocketExtensionData(offer.name(), asked));
  }
}
