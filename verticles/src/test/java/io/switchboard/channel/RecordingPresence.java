package io.switchboard.channel;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Presence calls a channel made, in memory; {@link #refuseWith} makes the next track fail. */
final class RecordingPresence implements ChannelPresence {
  final List<String> calls = new ArrayList<>();
  String refuseWith;

  @Override
  public Future<Void> track(ChannelSession session, JoinedChannel channel, JsonObject meta) {
    calls.add("track " + channel.topic() + " " + meta.encode());
    return refuseWith == null ? Future.succeededFuture() : Future.failedFuture(refuseWith);
  }

  @Override
  public void subscribe(ChannelSession session, JoinedChannel channel) {
    calls.add("subscribe " + channel.topic());
  }

  @Override
  public Future<Void> update(ChannelSession session, JoinedChannel channel, JsonObject meta) {
    calls.add("update " + channel.topic() + " " + meta.encode());
    return Future.succeededFuture();
  }

  @Override
  public void untrack(ChannelSession session, JoinedChannel channel) {
    calls.add("untrack " + channel.topic());
  }
}
