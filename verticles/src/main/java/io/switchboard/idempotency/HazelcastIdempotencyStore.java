package io.switchboard.idempotency;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import io.switchboard.protocol.Addresses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Idempotency keys in the cluster: the Hazelcast map {@code switchboard.idempotency} (cluster.xml:
 * one backup, a TTL and a size bound), key → the id of the claim that took it, each entry living
 * for the window. A claim is an entry processor on the key's owner, so two claims racing on two
 * nodes are run one after the other. Hazelcast may run a claim twice when its first answer was lost
 * (at least once): the second run finds its own id and still answers true. (IMap has no async
 * putIfAbsent with a TTL, hence the processor.)
 */
public final class HazelcastIdempotencyStore implements IdempotencyStore {
  private final IMap<String, String> map;
  private final long windowSeconds;

  public HazelcastIdempotencyStore(HazelcastInstance hazelcast, long windowSeconds) {
    this.map = hazelcast.getMap(Addresses.IDEMPOTENCY_MAP);
    this.windowSeconds = windowSeconds;
  }

  @Override
  public Future<Boolean> claim(String key) {
    String id = UUID.randomUUID().toString();
    Context context = Vertx.currentContext();
    var taken = map.submitToKey(key, new Claim(id, windowSeconds));
    Future<String> holder =
        context == null
            ? Future.fromCompletionStage(taken)
            : Future.fromCompletionStage(taken, context);
    return holder.map(id::equals);
  }

  /** Takes the key for the window unless someone holds it; answers the holder's claim id. */
  public static final class Claim
      implements EntryProcessor<String, String, String>, DataSerializable {
    private String id;
    private long ttlSeconds;

    public Claim() {}

    Claim(String id, long ttlSeconds) {
      this.id = id;
      this.ttlSeconds = ttlSeconds;
    }

    @Override
    public String process(Map.Entry<String, String> entry) {
      String holder = entry.getValue();
      if (holder != null) {
        return holder;
      }
      ((ExtendedMapEntry<String, String>) entry).setValue(id, ttlSeconds, TimeUnit.SECONDS);
      return id;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(id);
      out.writeLong(ttlSeconds);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      id = in.readString();
      ttlSeconds = in.readLong();
    }
  }
}
