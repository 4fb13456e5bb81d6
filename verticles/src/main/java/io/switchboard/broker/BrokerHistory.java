package io.switchboard.broker;

import io.switchboard.config.ChannelRule;
import io.switchboard.history.HistoryStore;
import io.vertx.core.Vertx;
import java.util.function.Function;

/**
 * What the broker needs to number and order the broadcasts of topics that keep history: the store,
 * which topics keep it (their rule's {@code history}), and how long a node waits for a missing
 * offset before it reads it from the store.
 */
public record BrokerHistory(
    HistoryStore store,
    Function<String, ChannelRule.History> policies,
    Vertx vertx,
    long gapFillMs) {}
