package io.switchboard.bench;

import io.vertx.core.buffer.Buffer;

/**
 * One load-generator socket, joined to one topic, whatever carries its frames (our raw RFC 6455
 * client or Vert.x's WebSocket client). Lives on the fleet's single event loop.
 */
final class BenchSocket {
  /**
   * What a command does with the frames that arrive after the join reply: bytes [from, to) of
   * {@code b}.
   */
  interface Receiver {
    void onFrame(BenchSocket socket, Buffer b, int from, int to);
  }

  /** Sends text frames; can stop reading (a stuck consumer) and start again. */
  interface Wire {
    void sendText(String text);

    default void pauseReading() {
      throw new UnsupportedOperationException("this client cannot pause reading; use --client raw");
    }

    default void resumeReading() {
      throw new UnsupportedOperationException("this client cannot pause reading; use --client raw");
    }
  }

  /** Told once: the join was answered ok, refused, or the socket closed first. */
  interface JoinListener {
    void joinSettled(BenchSocket socket, boolean ok);
  }

  final int index;
  final String topic;
  final int topicIndex;
  final Receiver receiver;
  Wire wire;
  JoinListener joinListener;

  /** Command-specific state (e.g. a publisher's window). */
  Object attachment;

  boolean settled;
  boolean joined;
  boolean closed;

  /** When the join was sent and when it was settled (System.nanoTime), 0 until then. */
  long joinSentNanos;

  long joinSettledNanos;

  /** The server's close code, or -1 (none seen / not closed). */
  int closeCode = -1;

  BenchSocket(int index, String topic, int topicIndex, Receiver receiver) {
    this.index = index;
    this.topic = topic;
    this.topicIndex = topicIndex;
    this.receiver = receiver;
  }

  void send(String text) {
    if (!closed && wire != null) {
      wire.sendText(text);
    }
  }

  /** A data frame arrived. The first one answers the join; later ones go to the command. */
  void deliver(Buffer b, int from, int to) {
    if (joined) {
      receiver.onFrame(this, b, from, to);
    } else if (!settled) {
      settle(Frames.indexOf(b, Frames.STATUS_OK, from, to) >= 0);
    }
  }

  void onClosed() {
    closed = true;
    settle(false);
  }

  private void settle(boolean ok) {
    if (settled) {
      return;
    }
    settled = true;
    joined = ok;
    joinSettledNanos = System.nanoTime();
    if (joinListener != null) {
      joinListener.joinSettled(this, ok);
    }
  }
}
