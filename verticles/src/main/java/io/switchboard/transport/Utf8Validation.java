package io.switchboard.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;

/**
 * RFC 6455 8.1: a text frame that is not UTF-8 fails the connection (close 1007). Vert.x 5 does not
 * check: it decodes text with U+FFFD for every bad byte and serves the message (found by FuzzTest:
 * {@code ["x","1","ph\xffoenix",...]} was answered {@code unmatched topic} for the topic {@code
 * "ph�oenix"}). Netty's validator goes on the socket's pipeline right before Vert.x's handler, so
 * after the permessage-deflate decoder, and follows fragmented messages across their frames. Its
 * {@link io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException} (1007) reaches
 * the socket's exception handler, which sends the close frame ({@link WebSocketTransport}).
 */
final class Utf8Validation extends Utf8FrameValidator {
  static final String NAME = "switchboard-utf8";

  private Utf8Validation() {
    super(false);
  }

  /** On the socket's event loop, right after the upgrade, before Vert.x reads a frame. */
  static void install(ChannelHandlerContext vertxHandler) {
    ChannelPipeline pipeline = vertxHandler.pipeline();
    if (pipeline.get(NAME) == null) {
      pipeline.addBefore(vertxHandler.name(), NAME, new Utf8Validation());
    }
  }

  /**
   * Netty's own closes the channel at once, before the close frame could be written: here the
   * socket's handler closes it, with the frame.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.fireExceptionCaught(cause);
  }
}
