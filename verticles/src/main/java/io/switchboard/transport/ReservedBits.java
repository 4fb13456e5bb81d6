package io.switchboard.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * RFC 6455 5.2: RSV bits a negotiated extension does not define fail the connection (1002). With
 * {@code compression.permessageDeflate} on, Vert.x lets Netty's decoder accept every RSV bit on
 * every socket, also on those that never negotiated the extension, and Netty passes such frames on
 * unchanged (found by FuzzTest: RSV1, RSV2 or RSV3 on an uncompressed socket was served). Right
 * before Vert.x's handler, after the permessage-deflate decoder (which clears RSV1 on what it
 * inflates), no frame may carry any.
 */
final class ReservedBits extends ChannelInboundHandlerAdapter {
  static final String NAME = "switchboard-rsv";

  private ReservedBits() {}

  /** On the socket's event loop, right after the upgrade, before Vert.x reads a frame. */
  static void install(ChannelHandlerContext vertxHandler) {
    if (vertxHandler.pipeline().get(NAME) == null) {
      vertxHandler.pipeline().addBefore(vertxHandler.name(), NAME, new ReservedBits());
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof WebSocketFrame frame && frame.rsv() != 0) {
      frame.release();
      throw new CorruptedWebSocketFrameException(
          WebSocketCloseStatus.PROTOCOL_ERROR, "RSV bits of no negotiated extension");
    }
    ctx.fireChannelRead(msg);
  }
}
