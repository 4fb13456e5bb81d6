package io.switchboard.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;

/** One load-generator socket, joined to one topic. Lives on the fleet's single event loop. */
final class BenchSocket {
  /** What a command does with the frames that arrive after the join reply. */
  interface Receiver {
    void onFrame(BenchSocket socket, Buffer frame);
  }

  final int index;
  final String topic;
  final int topicIndex;
  final WebSocket ws;
  final Receiver receiver;
  /** Command-specific state (e.g. a publisher's window). */
  Object attachment;
  /** The join was answered (or the socket closed first). */
  boolean settled;
  boolean joined;
  boolean closed;

  BenchSocket(int index, String topic, int topicIndex, WebSocket ws, Receiver receiver) {
    this.index = index;
    this.topic = topic;
    this.topicIndex = topicIndex;
    this.ws = ws;
    this.receiver = receiver;
  }

  void send(String text) {
    if (!closed) {
      ws.writeTextMessage(text);
    }
  }
}
