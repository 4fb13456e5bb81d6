package io.switchboard.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.switchboard.config.SwitchboardConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies a socket's JWT at the upgrade, and each token a client sends to refresh it ({@code
 * access_token}), by the same rules: signature, algorithm, {@code exp}/{@code nbf}, and
 * issuer/audience when configured. Also signs tokens where the key allows (HS256: dev mode, the
 * {@code token} command, tests). {@code alg: none}, forged, expired and sub-less tokens all fail
 * with a {@link TokenRejected}; only an expired one says so.
 */
public final class TokenVerifier {
  private final JWTAuth jwt;
  private final JWTOptions options;
  private final boolean canSign;
  private final int leewaySeconds;

  /** What vertx-auth-jwt 5.0.7 fails a token with when {@code User.expired(leeway)} is true. */
  private static final String EXPIRED_FAILURE = "Invalid JWT token: token expired.";

  private TokenVerifier(JWTAuth jwt, JWTOptions options, boolean canSign) {
    this.jwt = jwt;
    this.options = options;
    this.canSign = canSign;
    this.leewaySeconds = options.getLeeway();
  }

  /** Builds from config; {@code secret} overrides the configured key (dev mode's random one). */
  public static TokenVerifier create(Vertx vertx, SwitchboardConfig.Auth auth, String secret) {
    PubSecKeyOptions key = new PubSecKeyOptions().setAlgorithm(auth.algorithm());
    boolean hmac = auth.algorithm().equals("HS256");
    key.setBuffer(hmac ? secret : auth.publicKey().orElseThrow());
    JWTOptions options = new JWTOptions().setLeeway(auth.leewaySeconds());
    auth.issuer().ifPresent(options::setIssuer);
    auth.audience().ifPresent(a -> options.setAudience(List.of(a)));
    JWTAuth jwt =
        JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key).setJWTOptions(options));
    return new TokenVerifier(jwt, options, hmac);
  }

  /** Verifies {@code token} and names its user; fails with a {@link TokenRejected}. */
  public Future<Principal> verify(String token) {
    return verifyToken(token).map(VerifiedToken::user);
  }

  /**
   * Verifies {@code token}: its user, and until when it is accepted ({@code exp} plus the leeway).
   * Fails with a {@link TokenRejected}. Completes on the caller's thread (no blocking work): the
   * upgrade and the {@code access_token} push both call it on an event loop.
   */
  public Future<VerifiedToken> verifyToken(String token) {
    if (token == null || token.isEmpty()) {
      return Future.failedFuture(new TokenRejected(false, "no token"));
    }
    Future<io.vertx.ext.auth.User> authenticated;
    try {
      authenticated = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // vertx-auth-jwt throws, instead of failing the future, on a well-signed token whose claims
      // have the wrong types ("exp": "soon"); the upgrade waiting on this future would never be
      // answered.
      return Future.failedFuture(
          new TokenRejected(false, "malformed token claims: " + e.getMessage()));
    }
    return authenticated.transform(
        ar -> {
          if (ar.failed()) {
            String why = String.valueOf(ar.cause().getMessage());
            return Future.failedFuture(new TokenRejected(expired(why, token), why));
          }
          io.vertx.ext.auth.User verified = ar.result();
          JsonObject claims = verified.principal();
          Object sub = claims.getValue("sub");
          if (!(sub instanceof String id) || id.isEmpty()) {
            return Future.failedFuture(new TokenRejected(false, "token has no sub claim"));
          }
          Principal user = new Principal(id, topics(claims.getValue("topics")));
          // vertx-auth-jwt keeps exp among the user's attributes, not its principal.
          Object exp = verified.attributes().getValue("exp");
          return Future.succeededFuture(new VerifiedToken(user, acceptedUntilMillis(exp)));
        });
  }

  /**
   * vertx-auth-jwt fails an expired token, and one whose {@code nbf} or {@code iat} lies in the
   * future, with the same message, after checking the signature. Told apart here by the {@code exp}
   * the (by then signature-checked) payload carries, with vertx-auth-jwt's rule: expired once
   * {@code now - leeway >= exp}.
   */
  private boolean expired(String failure, String token) {
    if (!failure.equals(EXPIRED_FAILURE)) {
      return false;
    }
    try {
      String[] parts = token.split("\\.", -1);
      JsonObject payload =
          new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), UTF_8));
      return payload.getValue("exp") instanceof Number exp
          && System.currentTimeMillis() / 1000 - leewaySeconds >= exp.longValue();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** {@code exp} plus the leeway, in epoch ms; {@link VerifiedToken#NEVER} without {@code exp}. */
  private long acceptedUntilMillis(Object exp) {
    if (!(exp instanceof Number n)) {
      return VerifiedToken.NEVER;
    }
    long seconds = n.longValue();
    return seconds >= Long.MAX_VALUE / 1000 - leewaySeconds
        ? VerifiedToken.NEVER
        : (seconds + leewaySeconds) * 1000;
  }

  private static Set<String> topics(Object claim) {
    if (!(claim instanceof JsonArray array)) {
      return Set.of();
    }
    Set<String> topics = new LinkedHashSet<>();
    for (Object t : array) {
      if (t instanceof String s) {
        topics.add(s);
      }
    }
    return Set.copyOf(topics);
  }

  /** Signs a token for {@code userId}; only with an HS256 secret (public keys cannot sign). */
  public String issue(String userId, List<String> topics, int ttlSeconds) {
    if (!canSign) {
      throw new IllegalStateException(
          "only an HS256 secret can sign tokens; sign RS256/ES256 tokens with your private key");
    }
    JsonObject claims = new JsonObject().put("sub", userId);
    if (!topics.isEmpty()) {
      claims.put("topics", new JsonArray(topics));
    }
    return jwt.generateToken(
        claims, new JWTOptions(options.toJson()).setExpiresInSeconds(ttlSeconds));
  }
}
