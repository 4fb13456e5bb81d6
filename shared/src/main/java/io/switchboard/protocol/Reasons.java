package io.switchboard.protocol;

/**
 * Stable {@code reason} strings of error replies ({@code {"status":"error","response":{"reason":
 * ...}}}). Clients may match on them; never change one, add new ones.
 */
public final class Reasons {
  /**
   * Push or leave on a topic this socket has not joined, or a join to a topic no channel serves.
   */
  public static final String UNMATCHED_TOPIC = "unmatched topic";

  public static final String TOO_MANY_CHANNELS = "too many channels joined";

  /** The join rule for the topic refused this user. */
  public static final String UNAUTHORIZED = "unauthorized";

  public static final String TOPIC_TOO_LONG = "topic too long";

  /** The channel kind accepts no client pushes (server-push topics). */
  public static final String PUSH_NOT_ALLOWED = "push not allowed";

  /** The event is not in the channel's client event allow-list. */
  public static final String EVENT_NOT_ALLOWED = "event not allowed";

  public static final String INVALID_PAYLOAD = "invalid payload";

  /** Stream channel: the socket's buffer is at {@code streamBufferMax}; send {@code flush}. */
  public static final String BUFFER_FULL = "buffer full";

  /** A presence join into a topic that holds {@code presence.maxPerTopic} presences. */
  public static final String PRESENCE_FULL = "presence full";

  /** A presence meta over {@code presence.maxMetaBytes} as JSON. */
  public static final String PRESENCE_META_TOO_LARGE = "presence meta too large";

  /** A presence meta that is not a JSON object, or sets phx_ref / phx_ref_prev. */
  public static final String INVALID_PRESENCE_META = "invalid presence meta";

  /**
   * A broadcast on a topic that keeps history could not be kept (the cluster did not answer):
   * nothing was sent, so the client may retry.
   */
  public static final String HISTORY_UNAVAILABLE = "history unavailable";

  /**
   * This node is isolated from its cluster (paused, cut off, or rejoining it): nothing was sent,
   * since the other nodes' subscribers would never see it. The socket is about to be closed with
   * 1012; the client retries on another node.
   */
  public static final String CLUSTER_UNAVAILABLE = "cluster unavailable";

  /** A join's {@code recover} param is not {@code {"epoch": string, "offset": integer >= 0}}. */
  public static final String INVALID_RECOVER = "invalid recover";

  /**
   * A push payload's {@code idempotency_key} is not a string of 1 to 128 characters without control
   * characters; nothing was published.
   */
  public static final String INVALID_IDEMPOTENCY_KEY = "invalid idempotency key";

  /**
   * A push with an {@code idempotency_key} on a topic without history: the cluster could not say
   * whether it was a repeat, so nothing was published and the client may retry.
   */
  public static final String IDEMPOTENCY_UNAVAILABLE = "idempotency unavailable";

  /** The socket is over its inbound rate limit. */
  public static final String RATE_LIMITED = "rate limited";

  /**
   * {@code access_token} push: the new token failed verification (signature, algorithm, {@code
   * nbf}, issuer, audience, claims, no {@code sub}); the socket keeps its token.
   */
  public static final String INVALID_TOKEN = "invalid token";

  /** {@code access_token} push: the new token's {@code exp} (plus the leeway) has passed. */
  public static final String TOKEN_EXPIRED = "token expired";

  /** {@code access_token} push: the new token is valid but for another user ({@code sub}). */
  public static final String TOKEN_SUB_MISMATCH = "token sub mismatch";

  /** Throttle reasons ({@code throttle} event payload {@code {"reason": ...}}). */
  public static final String THROTTLE_BUFFER_FULL = "buffer_full";

  public static final String THROTTLE_RATE_LIMITED = "rate_limited";

  private Reasons() {}
}
