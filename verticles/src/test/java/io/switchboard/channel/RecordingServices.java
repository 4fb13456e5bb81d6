package io.switchboard.channel;

import io.switchboard.history.PublishOutcome;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** {@link ChannelServices} that only record what channels asked of the node. */
final class RecordingServices implements ChannelServices {
  final List<Publication> broadcasts = new ArrayList<>();
  final List<JsonObject> ingested = new ArrayList<>();
  final List<JsonObject> streamed = new ArrayList<>();
  final List<String> batched = new ArrayList<>();
  final List<String> batchFlushes = new ArrayList<>();

  @Override
  public Future<PublishOutcome> broadcast(Publication publication) {
    broadcasts.add(publication);
    return Future.succeededFuture(PublishOutcome.SENT);
  }

  @Override
  public void ingest(JsonObject message) {
    ingested.add(message);
  }

  @Override
  public void stream(JsonObject message) {
    streamed.add(message);
  }

  @Override
  public void addToBatch(String topic, Buffer payload) {
    batched.add(topic + " " + payload);
  }

  @Override
  public void flushBatch(String topic) {
    batchFlushes.add(topic);
  }
}
