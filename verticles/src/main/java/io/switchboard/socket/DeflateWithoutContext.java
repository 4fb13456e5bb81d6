package io.switchboard.socket;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import java.util.Map;

/**
 * permessage-deflate without context takeover on the server's side ({@code compression.noContextTakeover}),
 * whatever the client asked for. RFC 7692 lets a server compress every message from a fresh context
 * (server_no_context_takeover only promises it), and such a message is valid for a client inflater that keeps its
 * context. Netty keeps each socket's zlib stream alive between messages unless server_no_context_takeover was
 * negotiated, which Vert.x cannot force: that stream is ~57 KB of native memory per idle socket (the client's
 * side, our inflater, is dropped only when the client agrees to client_no_context_takeover). It also makes a
 * broadcast's compressed bytes the same for every socket, which {@link SharedDeflater} uses to compress it once.
 */
final class DeflateWithoutContext {
  private static final WebSocketExtensionData NO_CONTEXT =
      new WebSocketExtensionData("permessage-deflate", Map.of("server_no_context_takeover", ""));

  private DeflateWithoutContext() {
  }

  /** Replaces the socket's deflate encoder, if it has one, by one that keeps no context; true if it did. */
  static boolean apply(ChannelPipeline pipeline, int level) {
    for (Map.Entry<String, ChannelHandler> e : pipeline) {
      if (e.getValue() instanceof WebSocketExtensionEncoder
          && e.getValue().getClass().getSimpleName().equals("PerMessageDeflateEncoder")) {
        // Window 15: Vert.x lets clients lower the server window only where Netty can (ZlibCodecFactory), not here.
        WebSocketExtensionEncoder fresh = new PerMessageDeflateServerExtensionHandshaker(level, false, 15, true, true)
            .handshakeExtension(NO_CONTEXT).newExtensionEncoder();
        pipeline.replace(e.getKey(), e.getKey(), fresh);
        return true;
      }
    }
    return false;
  }
}
