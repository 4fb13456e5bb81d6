package io.switchboard.auth;

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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies a connecting socket's JWT once, at the upgrade (signature, algorithm, {@code exp}/{@code
 * nbf}, and issuer/audience when configured), and signs tokens where the key allows (HS256: dev
 * mode, the {@code token} command, tests). {@code alg: none}, forged, expired and sub-less tokens
 * all fail the same way.
 */
public final class TokenVerifier {
  private final JWTAuth jwt;
  private final JWTOptions options;
  private final boolean canSign;

  private TokenVerifier(JWTAuth jwt, JWTOptions options, boolean canSign) {
    this.jwt = jwt;
    this.options = options;
    this.canSign = canSign;
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

  public Future<Principal> verify(String token) {
    if (token == null || token.isEmpty()) {
      return Future.failedFuture("no token");
    }
    Future<io.vertx.ext.auth.User> authenticated;
    try {
      authenticated = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // vertx-auth-jwt throws, instead of failing the future, on a well-signed token whose claims
      // have the wrong types ("exp": "soon"); the upgrade waiting on this future would never be
      // answered.
      return Future.failedFuture("malformed token claims: " + e.getMessage());
    }
    return authenticated.compose(
        user -> {
          JsonObject claims = user.principal();
          Object sub = claims.getValue("sub");
          if (!(sub instanceof String id) || id.isEmpty()) {
            return Future.failedFuture("token has no sub claim");
          }
          return Future.succeededFuture(new Principal(id, topics(claims.getValue("topics"))));
        });
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
