package io.switchboard.socket;

import io.switchboard.auth.Origins;
import io.switchboard.auth.VerifiedToken;
import io.switchboard.coalescing.FlushScheduler;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.limits.ConnectionLimits;
import io.switchboard.metrics.SwitchboardMeters;
import io.switchboard.protocol.Addresses;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.WireFormat;
import io.switchboard.transport.LongPollConnection;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * phoenix.js's {@code LongPoll} transport at {@code /socket/longpoll}, for one socket verticle
 * instance (Phoenix's {@code long_poll.ex}; docs/PROTOCOL.md, "Long-poll"):
 *
 * <ul>
 *   <li>{@code GET} without a session token: authenticates as a WebSocket upgrade does (the user's
 *       token from {@code X-Phoenix-AuthToken} or the {@code token} param, the same per-user limit,
 *       through {@link Sessions}) and answers {@code {"status":410,"token":...}}, which phoenix.js
 *       reads as open.
 *   <li>{@code GET} with one: held up to {@code longPoll.windowMs} for frames.
 *   <li>{@code POST}: NDJSON, one frame a line, at most {@value #MAX_BATCH}; binary frames base64.
 * </ul>
 *
 * Requests reach whichever instance of whichever node the load balancer chose: the session token
 * names the instance holding the session ({@link LongPollToken}), and a request for another one
 * goes to it over the (clustered) event bus, one consumer per instance. Lives on the instance's
 * event loop, no locks.
 */
final class LongPollEndpoint {
  static final String PATH = "/socket/longpoll";

  /** phoenix.js's {@code MAX_LONGPOLL_BATCH_SIZE}: frames per POST. */
  static final int MAX_BATCH = 100;

  /** Where phoenix.js 1.8.x puts the session token (the {@code token} param is also read). */
  static final String SESSION_HEADER = "X-Phoenix-Longpoll-Token";

  static final String AUTH_HEADER = "X-Phoenix-AuthToken";

  private static final String OP = "op";
  private static final String OP_POLL = "poll";
  private static final String OP_POST = "post";
  private static final String TOKEN = "token";
  private static final String NDJSON = "ndjson";
  private static final String HTTP_STATUS = "http-status";

  /** Beyond the window, how long a forwarded request may take before it counts as lost. */
  private static final long FORWARD_SLACK_MS = 5_000;

  private final Vertx vertx;
  private final SwitchboardConfig config;
  private final SwitchboardConfig.LongPoll options;
  private final Sessions sessions;
  private final SwitchboardMeters meters;
  private final ConnectionLimits limits;
  private final FlushScheduler flusher;

  /** Why the node takes no new clients now ("DRAINING", "ISOLATED"), or null. */
  private final Supplier<String> unavailable;

  /** Runs each time a session, or a request forwarded to another instance, ends here. */
  private final Runnable onRelease;

  /** Requests forwarded to another instance whose answer has not come back yet. */
  private int forwarding;

  private final LongPollToken tokens = new LongPollToken(LongPollToken.randomId());
  private final Map<String, LongPollConnection> live = new HashMap<>();
  private final DeliveryOptions forwardOptions;
  private final int maxBodyBytes;

  LongPollEndpoint(
      Vertx vertx,
      SwitchboardConfig config,
      Sessions sessions,
      SwitchboardMeters meters,
      ConnectionLimits limits,
      FlushScheduler flusher,
      Supplier<String> unavailable,
      Runnable onRelease) {
    this.vertx = vertx;
    this.config = config;
    this.options = config.longPoll();
    this.sessions = sessions;
    this.meters = meters;
    this.limits = limits;
    this.flusher = flusher;
    this.unavailable = unavailable;
    this.onRelease = onRelease;
    this.forwardOptions =
        new DeliveryOptions().setSendTimeout(options.windowMs() + FORWARD_SLACK_MS);
    // A full batch of the largest frames, base64 (4/3) for binary ones, with their newlines.
    long perFrame = config.limits().maxMessageBytes() * 4L / 3 + 4;
    this.maxBodyBytes = (int) Math.min(Integer.MAX_VALUE, MAX_BATCH * perFrame);
  }

  /** Registers this instance's address, where other instances send requests for its sessions. */
  Future<Void> start() {
    return vertx
        .eventBus()
        .<Buffer>consumer(Addresses.LONGPOLL_PREFIX + tokens.instance(), this::forwarded)
        .completion();
  }

  /** Sessions with no poll for {@code longPoll.idleTimeoutMs} are closed: the client is gone. */
  void reapIdle(long nowMillis) {
    List<LongPollConnection> idle = null;
    for (LongPollConnection c : live.values()) {
      if (c.idleFor(options.idleTimeoutMs(), nowMillis)) {
        if (idle == null) {
          idle = new ArrayList<>();
        }
        idle.add(c);
      }
    }
    if (idle != null) {
      idle.forEach(c -> c.abort(CloseCodes.GOING_AWAY, "idle timeout"));
    }
  }

  /**
   * Holds no session (closed ones whose last frames wait for a poll included) and waits for no
   * forwarded request, whose client's connection is this instance's: a drained instance may stop.
   */
  boolean idle() {
    return live.isEmpty() && forwarding == 0;
  }

  // ---- HTTP ----

  void handle(HttpServerRequest req) {
    try {
      route(req);
    } catch (IllegalArgumentException e) {
      // A query Netty cannot decode (a broken percent-escape): no client of ours sends one.
      send(req.response(), LongPollAnswer.status(400, 400));
    }
  }

  private void route(HttpServerRequest req) {
    HttpServerResponse res = req.response();
    String origin = req.getHeader("Origin");
    if (origin != null) {
      if (!Origins.allowed(origin, req.getHeader("Host"), config.http().allowedOrigins())) {
        sessions.refuse(403, "origin");
        send(res, LongPollAnswer.FORBIDDEN);
        return;
      }
      // Allowed origins only, and every request is checked: safe to let the page read answers.
      res.putHeader("Access-Control-Allow-Origin", origin).putHeader("Vary", "Origin");
    }
    HttpMethod method = req.method();
    if (HttpMethod.OPTIONS.equals(method)) {
      List<String> asked = req.headers().getAll("Access-Control-Request-Headers");
      if (!asked.isEmpty()) {
        res.putHeader("Access-Control-Allow-Headers", String.join(", ", asked));
      }
      res.putHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
          .putHeader("Access-Control-Max-Age", "3600")
          .end();
    } else if (HttpMethod.GET.equals(method)) {
      String session = sessionToken(req);
      if (session == null) {
        newSession(req);
      } else {
        serve(OP_POLL, session, null, false).onComplete(ar -> send(res, answer(ar)));
      }
    } else if (HttpMethod.POST.equals(method)) {
      post(req);
    } else {
      res.setStatusCode(405).putHeader("Allow", "GET, POST, OPTIONS").end();
    }
  }

  private void post(HttpServerRequest req) {
    HttpServerResponse res = req.response();
    String session = sessionToken(req);
    String length = req.getHeader("Content-Length");
    if (length != null && parseLength(length) > maxBodyBytes) {
      send(res, LongPollAnswer.status(413, 413));
      return;
    }
    boolean ndjson =
        String.valueOf(req.getHeader("Content-Type")).startsWith("application/x-ndjson");
    readBody(req)
        .compose(
            body ->
                session == null
                    ? Future.succeededFuture(LongPollAnswer.GONE)
                    : serve(OP_POST, session, body, ndjson))
        .onComplete(ar -> send(res, answer(ar)));
  }

  private static long parseLength(String header) {
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /** The body, refused (413) past {@link #maxBodyBytes} as it arrives. */
  private Future<Buffer> readBody(HttpServerRequest req) {
    Promise<Buffer> done = Promise.promise();
    Buffer body = Buffer.buffer();
    req.handler(
        chunk -> {
          if (body.length() + chunk.length() > maxBodyBytes) {
            done.tryFail(new TooBig());
          } else if (!done.future().isComplete()) {
            body.appendBuffer(chunk);
          }
        });
    req.endHandler(v -> done.tryComplete(body));
    req.exceptionHandler(done::tryFail);
    return done.future();
  }

  /** Over a limit: the answer is 413. */
  private static final class TooBig extends RuntimeException {
    TooBig() {
      super("too big", null, false, false);
    }
  }

  private static LongPollAnswer answer(io.vertx.core.AsyncResult<LongPollAnswer> ar) {
    if (ar.succeeded()) {
      return ar.result();
    }
    return ar.cause() instanceof TooBig ? LongPollAnswer.status(413, 413) : LongPollAnswer.GONE;
  }

  private static void send(HttpServerResponse res, LongPollAnswer a) {
    if (res.ended() || res.closed()) {
      return;
    }
    res.setStatusCode(a.httpStatus())
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(a.body());
  }

  /**
   * The session token: phoenix.js 1.8.x appends it as the last {@code token} param (after the
   * user's params, which may hold a {@code token} of their own), newer ones send a header.
   */
  private static String sessionToken(HttpServerRequest req) {
    String header = req.getHeader(SESSION_HEADER);
    if (LongPollToken.looksLikeOne(header)) {
      return header;
    }
    List<String> params = req.params().getAll(TOKEN);
    for (int i = params.size() - 1; i >= 0; i--) {
      if (LongPollToken.looksLikeOne(params.get(i))) {
        return params.get(i);
      }
    }
    return null;
  }

  /** The user's token: phoenix.js's {@code authToken} header, else a {@code token} param. */
  private static String userToken(HttpServerRequest req) {
    String header = req.getHeader(AUTH_HEADER);
    if (header != null && !header.isEmpty()) {
      return header;
    }
    for (String t : req.params().getAll(TOKEN)) {
      if (!t.isEmpty() && !LongPollToken.looksLikeOne(t)) {
        return t;
      }
    }
    return null;
  }

  // ---- a new session ----

  private void newSession(HttpServerRequest req) {
    HttpServerResponse res = req.response();
    String why = unavailable.get();
    if (why != null) {
      // Draining, or cut off from the cluster: the client should open its session elsewhere.
      sessions.refuse(503, why.toLowerCase(java.util.Locale.ROOT));
      res.putHeader("Retry-After", String.valueOf(HttpRoutes.UNAVAILABLE_RETRY_AFTER_S));
      send(res, LongPollAnswer.retryLater(503));
      return;
    }
    // As Phoenix's long-poll: V2 arrays or V1 objects, named by vsn (no first frame to tell by).
    WireFormat format = Handshake.format(req.getParam("vsn"));
    if (format == null) {
      sessions.refuse(403, Handshake.UNSUPPORTED_VSN);
      send(res, LongPollAnswer.FORBIDDEN);
      return;
    }
    // The same bucket as WebSocket upgrades: a reconnect storm over long-poll is one too.
    long waitNanos = limits.upgrades().tryAcquire(System.nanoTime());
    if (waitNanos > 0) {
      sessions.refuse(503, SwitchboardMeters.RATE_LIMITED);
      res.putHeader(
          "Retry-After",
          String.valueOf(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos) + 1)));
      send(res, LongPollAnswer.retryLater(503));
      return;
    }
    String token = userToken(req);
    if (token == null) {
      sessions.refuse(403, "no_token");
      send(res, LongPollAnswer.FORBIDDEN);
      return;
    }
    sessions
        .admit(token)
        .onSuccess(
            verified -> {
              if (res.closed()) {
                // The client left while its token was checked: no session it could never poll.
                sessions.release(verified);
                return;
              }
              send(res, LongPollAnswer.opened(open(verified, format)));
            })
        .onFailure(
            err ->
                send(
                    res,
                    err instanceof Sessions.Refused r && r.status == 403
                        ? LongPollAnswer.FORBIDDEN
                        : LongPollAnswer.retryLater(
                            err instanceof Sessions.Refused r ? r.status : 500)));
  }

  /** Opens the session and returns its token. */
  private String open(VerifiedToken verified, WireFormat format) {
    String id = LongPollToken.randomId();
    LongPollConnection c =
        new LongPollConnection(vertx, flusher, meters, options.maxQueuedFrames());
    live.put(id, c);
    meters.longPollSessions(1);
    c.onClose(
        () -> sessions.closed(c),
        () -> {
          live.remove(id);
          meters.longPollSessions(-1);
          released();
        });
    Session s = sessions.open(c, verified);
    s.speak(format);
    c.onMessage(message -> sessions.protocol().handle(s, message));
    return tokens.sign(id);
  }

  // ---- polls and POSTs, here or at the instance that holds the session ----

  /** Serves the request where its session is: here, or at its instance over the event bus. */
  private Future<LongPollAnswer> serve(String op, String token, Buffer body, boolean ndjson) {
    String owner = LongPollToken.instanceOf(token);
    if (owner == null) {
      return Future.succeededFuture(LongPollAnswer.GONE);
    }
    if (owner.equals(tokens.instance())) {
      return serveHere(op, token, body, ndjson);
    }
    meters.longPollForwarded();
    DeliveryOptions o =
        new DeliveryOptions(forwardOptions)
            .addHeader(OP, op)
            .addHeader(TOKEN, token)
            .addHeader(NDJSON, Boolean.toString(ndjson));
    forwarding++;
    // No answer (the instance or its node is gone, or never was): the session is gone.
    return vertx
        .eventBus()
        .<Buffer>request(
            Addresses.LONGPOLL_PREFIX + owner, body == null ? Buffer.buffer() : body, o)
        .map(m -> new LongPollAnswer(Integer.parseInt(m.headers().get(HTTP_STATUS)), m.body()))
        .recover(err -> Future.succeededFuture(LongPollAnswer.GONE))
        .andThen(
            ar -> {
              forwarding--;
              released();
            });
  }

  /**
   * After the current task: the answer that released it is written first (a drained instance's stop
   * closes its connections, and the release may complete it synchronously).
   */
  private void released() {
    vertx.runOnContext(v -> onRelease.run());
  }

  /** A request another instance received for one of this instance's sessions. */
  private void forwarded(Message<Buffer> msg) {
    serveHere(
            msg.headers().get(OP),
            msg.headers().get(TOKEN),
            msg.body(),
            Boolean.parseBoolean(msg.headers().get(NDJSON)))
        .onComplete(
            ar -> {
              LongPollAnswer a = answer(ar);
              msg.reply(
                  a.body(),
                  new DeliveryOptions().addHeader(HTTP_STATUS, Integer.toString(a.httpStatus())));
            });
  }

  private Future<LongPollAnswer> serveHere(String op, String token, Buffer body, boolean ndjson) {
    String id = tokens.verify(token);
    LongPollConnection c = id == null ? null : live.get(id);
    if (c == null) {
      if (OP_POLL.equals(op)) {
        meters.longPollAnswered(SwitchboardMeters.POLL_GONE);
      }
      return Future.succeededFuture(LongPollAnswer.GONE);
    }
    if (OP_POLL.equals(op)) {
      Promise<LongPollAnswer> answered = Promise.promise();
      c.poll(
          options.windowMs(),
          polled -> {
            meters.longPollAnswered(
                polled.gone()
                    ? SwitchboardMeters.POLL_GONE
                    : polled.frames().isEmpty()
                        ? SwitchboardMeters.POLL_EMPTY
                        : SwitchboardMeters.POLL_MESSAGES);
            answered.complete(LongPollAnswer.polled(token, polled));
          });
      return answered.future();
    }
    List<Object> frames = new ArrayList<>();
    LongPollAnswer refused = parse(body, ndjson, frames);
    if (refused != null) {
      return Future.succeededFuture(refused);
    }
    return c.receive(frames)
        .map(LongPollAnswer.OK)
        .recover(
            err ->
                Future.succeededFuture(
                    c.closing() ? LongPollAnswer.GONE : LongPollAnswer.retryLater(429)));
  }

  /**
   * The frames of a POST body into {@code frames}; or the answer refusing it (413 past {@value
   * #MAX_BATCH} frames or a frame over {@code limits.maxMessageBytes}, 400 for bad base64). A
   * refused body is handled not at all. Unlike Phoenix, which takes every NDJSON line not starting
   * with {@code [} for base64, V1 objects are text too.
   */
  private LongPollAnswer parse(Buffer body, boolean ndjson, List<Object> frames) {
    String text;
    try {
      // Strictly, as a WebSocket text frame is read (1007 there): no replacement characters.
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(body.getBytes()))
              .toString();
    } catch (CharacterCodingException e) {
      return LongPollAnswer.status(400, 400);
    }
    if (!ndjson) {
      // Clients before phoenix.js 1.7.13 POST one JSON frame, as Phoenix still accepts.
      return add(text, frames);
    }
    int start = 0;
    while (start <= text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      String line = text.substring(start, end);
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (!line.isEmpty()) {
        if (frames.size() == MAX_BATCH) {
          return LongPollAnswer.status(413, 413);
        }
        LongPollAnswer refused = add(line, frames);
        if (refused != null) {
          return refused;
        }
      }
      start = end + 1;
    }
    return null;
  }

  private LongPollAnswer add(String line, List<Object> frames) {
    int max = config.limits().maxMessageBytes();
    // A V2 array or a V1 object is text; base64 (a binary frame) never starts with either.
    if (line.startsWith("[") || line.startsWith("{")) {
      if (line.length() > max) {
        return LongPollAnswer.status(413, 413);
      }
      frames.add(line);
      return null;
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(line);
    } catch (IllegalArgumentException e) {
      return LongPollAnswer.status(400, 400);
    }
    if (bytes.length > max) {
      return LongPollAnswer.status(413, 413);
    }
    frames.add(Buffer.buffer(bytes));
    return null;
  }
}
