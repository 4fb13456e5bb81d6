package io.switchboard.channel;

import io.switchboard.auth.Principal;
import io.switchboard.limits.ByteBudget;
import io.switchboard.protocol.Events;
import io.switchboard.protocol.Frame;
import io.switchboard.transport.PreparedFrame;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One client as a channel sees it, in memory (Phoenix.ChannelTest's idea): what the channel sent
 * it, as the V2 frames the client would read, and what it routed. No sockets, no event loop.
 */
final class RecordingSession implements ChannelSession {
  final RecordingServices services = new RecordingServices();
  final List<JsonArray> sent = new ArrayList<>();
  final List<Frame> routed = new ArrayList<>();
  final RecordingPresence presence = new RecordingPresence();
  private final Principal user;
  private final ByteBudget budget;

  RecordingSession(String user, long bufferBytes) {
    this.user = new Principal(user, Set.of());
    this.budget = new ByteBudget(bufferBytes);
  }

  @Override
  public Principal user() {
    return user;
  }

  @Override
  public ChannelServices services() {
    return services;
  }

  @Override
  public ChannelPresence presence() {
    return presence;
  }

  @Override
  public boolean writePrepared(PreparedFrame frame) {
    sent.add(new JsonArray(frame.message().bytes()));
    return true;
  }

  @Override
  public ByteBudget bufferBudget() {
    return budget;
  }

  @Override
  public void reply(JoinedChannel channel, String ref, String status, Buffer response) {
    sent.add(
        new JsonArray()
            .add(channel.joinRef())
            .add(ref)
            .add(channel.topic())
            .add(Events.REPLY)
            .add(new JsonObject().put("status", status).put("response", new JsonObject(response))));
  }

  @Override
  public void replyOk(JoinedChannel channel, String ref) {
    reply(channel, ref, Events.STATUS_OK, Buffer.buffer("{}"));
  }

  @Override
  public void replyError(JoinedChannel channel, String ref, String reason) {
    reply(channel, ref, Events.STATUS_ERROR, new JsonObject().put("reason", reason).toBuffer());
  }

  @Override
  public void push(JoinedChannel channel, String event, Buffer payload) {
    sent.add(
        new JsonArray()
            .add(channel.joinRef())
            .addNull()
            .add(channel.topic())
            .add(event)
            .add(new JsonObject(payload)));
  }

  @Override
  public void throttle(JoinedChannel channel, String reason, JsonObject details) {
    push(channel, Events.THROTTLE, details.copy().put("reason", reason).toBuffer());
  }

  @Override
  public Future<Void> route(JoinedChannel channel, Frame push) {
    routed.add(push);
    return Future.succeededFuture();
  }

  /** The last frame sent. */
  JsonArray last() {
    return sent.get(sent.size() - 1);
  }

  /**
   * The reply's status and response of the last frame, e.g. {@code error {"reason":"buffer full"}}.
   */
  String lastReply() {
    JsonObject payload = last().getJsonObject(4);
    return payload.getString("status") + " " + payload.getJsonObject("response").encode();
  }
}
