package io.switchboard.socket;

import io.switchboard.auth.TokenRejected;
import io.switchboard.auth.TokenVerifier;
import io.switchboard.auth.VerifiedToken;
import io.switchboard.channel.JoinedChannel;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.Events;
import io.switchboard.protocol.Frame;
import io.switchboard.protocol.Reasons;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A socket's token after the upgrade. An {@code access_token} push on any joined channel replaces
 * it: verified by the same {@link TokenVerifier} as the upgrade, for the same {@code sub}, it moves
 * the socket's end to the new token's {@code exp}. A refused one changes nothing, the channel
 * included. The sweep closes (4001) sockets whose token ran out, when {@code auth.closeOnExpiry} is
 * on. One instance per socket verticle instance, on its event loop. See docs/PROTOCOL.md, "Token
 * refresh and expiry".
 */
final class TokenLifetime {
  /** Pushed on each joined channel before the 4001 close, in the shape Supabase's server uses. */
  static final Buffer EXPIRED_NOTICE =
      Buffer.buffer(
          "{\"extension\":\"system\",\"status\":\"error\",\"message\":\""
              + Reasons.TOKEN_EXPIRED
              + "\"}");

  static final String NO_TOKEN =
      Reasons.INVALID_PAYLOAD + ": access_token must be a non-empty string";

  private final TokenVerifier verifier;
  private final SwitchboardMeters meters;

  TokenLifetime(TokenVerifier verifier, SwitchboardMeters meters) {
    this.verifier = verifier;
    this.meters = meters;
  }

  /**
   * {@code [jr, ref, topic, "access_token", {"access_token": "<jwt>"}]}: answered here, whatever
   * the channel's kind and client events. Like any push: unmatched topic without a join, dropped
   * with a stale join_ref.
   */
  Future<Void> refresh(Session s, Frame f, JoinedChannel channel) {
    if (channel == null) {
      s.replyError(null, f.ref(), f.topic(), Reasons.UNMATCHED_TOPIC);
      return Future.succeededFuture();
    }
    if (!Objects.equals(channel.joinRef(), f.joinRef())) {
      return Future.succeededFuture();
    }
    String token = f.binary() ? null : tokenOf(f.payload());
    if (token == null) {
      refused(s, channel, f, Reasons.INVALID_PAYLOAD, NO_TOKEN);
      return Future.succeededFuture();
    }
    return verifier
        .verifyToken(token)
        .transform(
            ar -> {
              if (ar.failed()) {
                boolean expired = ar.cause() instanceof TokenRejected r && r.expired();
                String reason = expired ? Reasons.TOKEN_EXPIRED : Reasons.INVALID_TOKEN;
                refused(s, channel, f, reason, reason);
              } else if (!ar.result().user().userId().equals(s.user.userId())) {
                // A socket is one user's for its whole life (its presences, user_socket:<sub>
                // disconnects); another user reconnects with their own token.
                String reason = Reasons.TOKEN_SUB_MISMATCH;
                refused(s, channel, f, reason, reason);
              } else {
                replace(s, ar.result());
                meters.tokenRefreshed(Events.STATUS_OK);
                s.replyOk(channel, f.ref());
              }
              return Future.succeededFuture();
            });
  }

  /**
   * A realtime-js join's {@code access_token} ({@code null}: none): verified as a refresh, and the
   * socket's token if it holds. Completes with null, or with the reason the join is refused; a
   * refused one changes nothing.
   */
  Future<String> adopt(Session s, String token) {
    if (token == null) {
      return Future.succeededFuture();
    }
    return verifier
        .verifyToken(token)
        .transform(
            ar -> {
              String reason = null;
              if (ar.failed()) {
                boolean expired = ar.cause() instanceof TokenRejected r && r.expired();
                reason = expired ? Reasons.TOKEN_EXPIRED : Reasons.INVALID_TOKEN;
              } else if (!ar.result().user().userId().equals(s.user.userId())) {
                reason = Reasons.TOKEN_SUB_MISMATCH;
              } else {
                replace(s, ar.result());
              }
              meters.tokenRefreshed(reason == null ? Events.STATUS_OK : reason);
              return Future.succeededFuture(reason);
            });
  }

  /**
   * The new token's {@code exp} stands, even if earlier than the old one's: the socket holds the
   * token its client sent last. Its {@code topics} claim applies to later joins; channels already
   * joined stay.
   */
  private static void replace(Session s, VerifiedToken token) {
    s.user = token.user();
    s.tokenAcceptedUntilMillis = token.acceptedUntilMillis();
  }

  private void refused(
      Session s, JoinedChannel channel, Frame f, String meterReason, String reply) {
    meters.tokenRefreshed(meterReason);
    s.replyError(channel, f.ref(), reply);
  }

  /** The {@code access_token} member if it is a non-empty string, else null. */
  private static String tokenOf(Buffer payload) {
    try {
      return new JsonObject(payload).getValue("access_token") instanceof String t && !t.isEmpty()
          ? t
          : null;
    } catch (RuntimeException e) { // the codec let it through as an object; defensive only
      return null;
    }
  }

  /**
   * Closes (4001) the sockets whose token stopped being accepted by {@code nowMillis}. Each of
   * their channels hears why first ({@code system}), then the close frame carries the reason.
   * Called from the periodic sweep, so a socket ends within one sweep period of its deadline.
   */
  void closeExpired(Iterable<Session> sessions, long nowMillis) {
    List<Session> expired = null;
    for (Session s : sessions) {
      if (s.tokenAcceptedUntilMillis <= nowMillis && !s.writer.closing()) {
        if (expired == null) {
          expired = new ArrayList<>();
        }
        expired.add(s); // closed after the loop: a close may remove it from {@code sessions}
      }
    }
    if (expired == null) {
      return;
    }
    for (Session s : expired) {
      for (JoinedChannel channel : s.joined.values()) {
        s.push(channel, Events.SYSTEM, EXPIRED_NOTICE);
      }
      meters.tokenExpired();
      s.writer.close(CloseCodes.TOKEN_EXPIRED, Reasons.TOKEN_EXPIRED);
    }
  }
}
