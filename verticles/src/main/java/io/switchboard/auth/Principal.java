package io.switchboard.auth;

import java.util.Set;

/**
 * The authenticated user behind a socket: the token's {@code sub} and its optional {@code topics}
 * claim (topics this user may join on channels whose rule is {@code join: "claim"}).
 */
public record Principal(String userId, Set<String> topics) {}
