package io.switchboard.presence;

import io.switchboard.support.Await;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A single node: one store, fed as each change is made. */
class LocalPresenceStoreTest extends PresenceStoreContract {
  static Vertx vertx;
  static Context context;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  @Override
  protected PresenceStore newStore() {
    return new LocalPresenceStore();
  }

  @Override
  protected Context context() {
    return context;
  }

  @Override
  protected String otherNode() {
    return "another-node";
  }
}
