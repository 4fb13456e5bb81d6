package io.switchboard.socket;

import io.switchboard.auth.Principal;
import io.switchboard.auth.VerifiedToken;
import io.switchboard.channel.ChannelPresence;
import io.switchboard.channel.ChannelServices;
import io.switchboard.channel.ChannelSession;
import io.switchboard.channel.JoinedChannel;
import io.switchboard.config.ChannelRule;
import io.switchboard.limits.ByteBudget;
import io.switchboard.limits.TokenBucket;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.protocol.Events;
import io.switchboard.protocol.Frame;
import io.switchboard.protocol.V2JsonCodec;
import io.switchboard.protocol.WireFormat;
import io.switchboard.transport.FrameWriter;
import io.switchboard.transport.PreparedFrame;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * One client's Phoenix protocol state, whatever transport carries it: who it is and until when its
 * token holds, the channels it joined (topic → channel, as Phoenix's socket keeps them), its
 * inbound rate budget, and the writer that reaches it. Lives on the client's event loop, no locks.
 */
final class Session implements ChannelSession {
  static final Buffer EMPTY_OBJECT = Buffer.buffer("{}");

  final FrameWriter writer;

  /** The token's user; an {@code access_token} refresh may replace it (same {@code sub}). */
  Principal user;

  /**
   * When the socket's token stops being accepted (epoch ms, {@link VerifiedToken#NEVER} without
   * {@code exp}): the expiry sweep closes the socket then, unless a refresh moved it. A long, not a
   * timer per socket: idle sockets cost no more than this.
   */
  long tokenAcceptedUntilMillis;

  /** topic → the current join of it. */
  final Map<String, JoinedChannel> joined = new HashMap<>(2);

  /** The socket-wide inbound budget; channels whose rule has its own budget use theirs instead. */
  final TokenBucket rate;

  /**
   * The inbound budgets of rules that have their own ({@code channels[].rateLimit}): one per rule,
   * not per topic, so joining more topics of a rule (or rejoining one) buys no extra budget.
   */
  private final Map<ChannelRule, TokenBucket> ruleRates = new HashMap<>(1);

  /**
   * How this client's frames are written; null until known (no {@code vsn}: its first text frame
   * tells, {@link WireFormat#sniff}). Nothing is written to a client before its first frame.
   */
  WireFormat format;

  /** Connected at realtime-js's path: without a vsn, arrays mean its binary kinds too. */
  boolean realtimeJs;

  int rejectedInARow;
  long lastThrottleNanos;
  private final ByteBudget bufferBudget;
  private final ChannelProtocol protocol;
  private final ChannelServices services;
  private final SwitchboardMeters meters;
  private final ChannelPresence presence;

  Session(
      FrameWriter writer,
      VerifiedToken token,
      TokenBucket rate,
      ByteBudget bufferBudget,
      ChannelProtocol protocol,
      ChannelServices services,
      ChannelPresence presence,
      SwitchboardMeters meters) {
    this.writer = writer;
    this.user = token.user();
    this.tokenAcceptedUntilMillis = token.acceptedUntilMillis();
    this.rate = rate;
    this.bufferBudget = bufferBudget;
    this.protocol = protocol;
    this.services = services;
    this.presence = presence;
    this.meters = meters;
  }

  /** From now on the client's frames, its broadcasts included, are written in {@code format}. */
  void speak(WireFormat format) {
    this.format = format;
    writer.speak(format);
  }

  /** The format frames are written in: V2 until the client's first frame says otherwise. */
  WireFormat format() {
    return format == null ? WireFormat.V2 : format;
  }

  /** The bucket a push on {@code channel} is charged to: its rule's own, or the socket-wide one. */
  TokenBucket rateFor(JoinedChannel channel, long nowNanos) {
    ChannelRule rule = channel.rule();
    return rule.options().rateLimit().isEmpty()
        ? rate
        : ruleRates.computeIfAbsent(
            rule,
            r -> {
              ChannelRule.RateBudget b = r.options().rateLimit().orElseThrow();
              return new TokenBucket(b.messagesPerSecond(), b.burst(), nowNanos);
            });
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
    return writer.writePrepared(frame);
  }

  @Override
  public Object broadcastTarget() {
    return writer;
  }

  @Override
  public ByteBudget bufferBudget() {
    return bufferBudget;
  }

  @Override
  public void reply(JoinedChannel channel, String ref, String status, Buffer response) {
    reply(channel.joinRef(), ref, channel.topic(), status, response);
  }

  @Override
  public void replyOk(JoinedChannel channel, String ref) {
    reply(channel.joinRef(), ref, channel.topic(), Events.STATUS_OK, EMPTY_OBJECT);
  }

  @Override
  public void replyError(JoinedChannel channel, String ref, String reason) {
    replyError(channel.joinRef(), ref, channel.topic(), reason);
  }

  @Override
  public void push(JoinedChannel channel, String event, Buffer payload) {
    send(channel.joinRef(), null, channel.topic(), event, payload);
  }

  @Override
  public void throttle(JoinedChannel channel, String reason, JsonObject details) {
    throttle(channel.topic(), channel.joinRef(), reason, details);
  }

  @Override
  public Future<Void> route(JoinedChannel channel, Frame push) {
    return protocol.route(this, channel, push);
  }

  // ---- the same, for frames outside a joined channel (a refused join, a heartbeat) ----

  void reply(String joinRef, String ref, String topic, String status, Buffer response) {
    writeOwn(format().reply(joinRef, ref, topic, status, response));
  }

  void replyOk(String joinRef, String ref, String topic) {
    reply(joinRef, ref, topic, Events.STATUS_OK, EMPTY_OBJECT);
  }

  void replyError(String joinRef, String ref, String topic, String reason) {
    reply(
        joinRef,
        ref,
        topic,
        Events.STATUS_ERROR,
        Buffer.buffer("{\"reason\":" + V2JsonCodec.quote(reason) + "}"));
  }

  /**
   * A message to this client only, e.g. {@code [jr, jr, topic, "phx_close", {}]} or a push with ref
   * null.
   */
  void send(String joinRef, String ref, String topic, String event, Buffer payload) {
    writeOwn(format().encode(joinRef, ref, topic, event, payload));
  }

  void throttle(String topic, String joinRef, String reason, JsonObject details) {
    meters.throttled(reason);
    send(joinRef, null, topic, Events.THROTTLE, details.put("reason", reason).toBuffer());
  }

  /** A frame for this client alone; broadcasts are counted in bulk by their fan-out. */
  private void writeOwn(Buffer frame) {
    if (writer.write(frame, false)) {
      meters.sent(1);
    }
  }
}
