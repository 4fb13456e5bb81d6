package io.switchboard.socket;

import io.switchboard.auth.TokenVerifier;
import io.switchboard.auth.VerifiedToken;
import io.switchboard.channel.ChannelPresence;
import io.switchboard.channel.ChannelServices;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.limits.ByteBudget;
import io.switchboard.limits.ConnectionLimits;
import io.switchboard.limits.TokenBucket;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.transport.FrameWriter;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sessions of one socket verticle instance, whatever transport carries them (WebSocket or
 * long-poll): the one connect path both take (verify the token, count the user against {@code
 * limits.maxConnectionsPerUser}, make the {@link Session}, register it) and the one close path
 * (leave its channels, uncount it). So channels, auth, limits, metrics and drain behave the same on
 * both. Lives on the instance's event loop, no locks.
 */
final class Sessions {

  /** Why a client was not given a session: {@code status} is the HTTP answer a WebSocket gets. */
  static final class Refused extends RuntimeException {
    final int status;
    final String reason;

    Refused(int status, String reason) {
      super(reason, null, false, false);
      this.status = status;
      this.reason = reason;
    }
  }

  /** The user holds {@code limits.maxConnectionsPerUser} sessions on this node already. */
  static final int TOO_MANY_SESSIONS = 429;

  private final SwitchboardConfig config;
  private final TokenVerifier verifier;
  private final ConnectionLimits limits;
  private final SwitchboardMeters meters;
  private final ChannelProtocol protocol;
  private final ChannelServices services;
  private final ChannelPresence presence;
  private final Map<FrameWriter, Session> byWriter = new LinkedHashMap<>();
  private final Map<String, Set<Session>> byUser = new HashMap<>();
  private Runnable onEmpty;

  Sessions(
      SwitchboardConfig config,
      TokenVerifier verifier,
      ConnectionLimits limits,
      SwitchboardMeters meters,
      ChannelProtocol protocol,
      ChannelServices services,
      ChannelPresence presence) {
    this.config = config;
    this.verifier = verifier;
    this.limits = limits;
    this.meters = meters;
    this.protocol = protocol;
    this.services = services;
    this.presence = presence;
  }

  /**
   * Verifies the token and takes one of its user's places; fails with {@link Refused} (403 for a
   * bad token, 429 past the per-user limit, counted in the rejected-connections meter). A success
   * must be followed by {@link #open} or, if the transport could not be set up, {@link #release}.
   */
  Future<VerifiedToken> admit(String token) {
    return verifier
        .verifyToken(token)
        .recover(err -> Future.failedFuture(refuse(403, "token")))
        .compose(
            verified -> {
              if (!limits.perUser().tryOpen(verified.user().userId())) {
                return Future.failedFuture(refuse(TOO_MANY_SESSIONS, SwitchboardMeters.USER_LIMIT));
              }
              return Future.succeededFuture(verified);
            });
  }

  /** Counts a refusal made before any token work (origin, protocol version, draining). */
  Refused refuse(int status, String reason) {
    meters.rejected(reason);
    return new Refused(status, reason);
  }

  /** Gives back the place {@link #admit} took, when no session was opened with it. */
  void release(VerifiedToken token) {
    limits.perUser().closed(token.user().userId());
  }

  /**
   * The admitted client's session over {@code writer}; the transport hands the frames the client
   * sends to {@link #protocol()}'s {@code handle}.
   */
  Session open(FrameWriter writer, VerifiedToken token) {
    Session s =
        new Session(
            writer,
            token,
            new TokenBucket(
                config.rateLimit().messagesPerSecond(),
                config.rateLimit().burst(),
                System.nanoTime()),
            new ByteBudget(config.limits().maxStreamBufferBytes()),
            protocol,
            services,
            presence,
            meters);
    byWriter.put(writer, s);
    byUser.computeIfAbsent(s.user.userId(), u -> new HashSet<>()).add(s);
    meters.connectionOpened();
    return s;
  }

  ChannelProtocol protocol() {
    return protocol;
  }

  /** The writer is gone (closed by either side): its channels are left and its place given back. */
  void closed(FrameWriter writer) {
    Session s = byWriter.remove(writer);
    if (s == null) {
      return;
    }
    // Before the gauge moves: whoever sees it drop may connect again as this user.
    limits.perUser().closed(s.user.userId());
    meters.connectionClosed();
    protocol.terminate(s);
    Set<Session> mine = byUser.get(s.user.userId());
    if (mine != null && mine.remove(s) && mine.isEmpty()) {
      byUser.remove(s.user.userId());
    }
    if (onEmpty != null && byWriter.isEmpty()) {
      onEmpty.run();
    }
  }

  /** Runs (each time) the last session is closed; for the drain. */
  void onEmpty(Runnable action) {
    this.onEmpty = action;
  }

  boolean isEmpty() {
    return byWriter.isEmpty();
  }

  Collection<Session> all() {
    return byWriter.values();
  }

  Set<FrameWriter> writers() {
    return byWriter.keySet();
  }

  /** Closes the user's sessions on this instance with 1001 (the {@code disconnect} API). */
  void disconnectUser(String userId) {
    Set<Session> mine = byUser.get(userId);
    if (mine != null) {
      for (Session s : List.copyOf(mine)) {
        s.writer.close(CloseCodes.GOING_AWAY, "disconnected");
      }
    }
  }
}
