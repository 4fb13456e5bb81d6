# syntax=docker/dockerfile:1
#
# Switchboard node image: the fat jar on a JRE, started clustered by default.
#
#   docker build -t switchboard .
#   docker run --rm -p 4000:4000 -p 4001:4001 -e SWITCHBOARD_DEV=true switchboard   (one node; dev token in its log)
#   docker compose up --build                                        (three nodes + HAProxy + Prometheus + Grafana)
#
# Environment (every key and default: docs/CONFIG.md; cluster overrides: docs/CLUSTER.md):
#   SWITCHBOARD_JWT_SECRET         HS256 secret, >= 32 bytes, the same on every node (or SWITCHBOARD_JWT_PUBLIC_KEY
#                                  with SWITCHBOARD_JWT_ALGORITHM=RS256/ES256). Without a key the node refuses to
#                                  start unless SWITCHBOARD_DEV=true (random key, 24 h token for dev-user in the log).
#   SWITCHBOARD_HTTP_PORT          socket port and /health (default 4000; HEALTHCHECK below assumes 4000)
#   SWITCHBOARD_METRICS_PORT       Prometheus /metrics, /health (liveness: 200 even while draining), /cluster (default 4001)
#   SWITCHBOARD_CLUSTER_MEMBERS    Hazelcast members to join, e.g. node1,node2,node3 (a headless service works)
#   SWITCHBOARD_CLUSTER_INTERFACE  this container's address (or pattern) to bind and announce. REQUIRED when
#                                  clustered in a container: the built-in cluster.xml binds 127.0.0.1 only.
#                                  With a pattern (10.0.*.*) also pass "-cluster-host <container IP>" as command.
#   SWITCHBOARD_CLUSTER_NAME       nodes with different names never join (default switchboard)
#   SWITCHBOARD_CLUSTER_PORT       Hazelcast port (default 5701)
#   SWITCHBOARD_ROLES              all | edge | core | list of sockets,routing,batching,metrics
#   SWITCHBOARD_TRANSPORT          auto (native epoll, else NIO) | epoll | nio | io_uring (docs/CONFIG.md)
#   JAVA_TOOL_OPTIONS              JVM flags, e.g. -XX:MaxRAMPercentage=75 (the default below); many idle sockets
#                                  on few cores: add -XX:+UseSerialGC -Xmn64m (docs/CONFIG.md, "JVM flags")
# Ports: 4000 sockets, 4001 metrics, 5701 Hazelcast. The clustered event bus uses a random port between
# containers of one network (no need to publish it).

# ---- build ----------------------------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Poms first: dependency and plugin downloads stay cached until a pom changes. A package run on the poms alone
# resolves everything the real build needs (the modules have no sources yet, so it is quick).
COPY pom.xml ./
COPY shared/pom.xml shared/
COPY verticles/pom.xml verticles/
COPY bench/pom.xml bench/
# Error Prone runs inside javac and needs the JDK exports in .mvn/jvm.config; formatting is checked by CI, not here.
COPY .mvn/ .mvn/
RUN mvn -B -q package -DskipTests -Dspotless.check.skip=true
# Then the sources (and what the verticles module embeds: conf/config.json and cluster.xml).
COPY conf/ conf/
COPY cluster.xml ./
COPY shared/src/main shared/src/main
COPY verticles/src/main verticles/src/main
COPY bench/src/main bench/src/main
RUN mvn -B -q package -DskipTests -Dspotless.check.skip=true && cp verticles/target/switchboard.jar /src/switchboard.jar

# ---- runtime --------------------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre
# curl for HEALTHCHECK (installed explicitly: not every eclipse-temurin tag ships it).
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 switchboard \
 && useradd --system --uid 10001 --gid switchboard --home-dir /app --shell /usr/sbin/nologin switchboard
WORKDIR /app
COPY --from=build --chown=root:root /src/switchboard.jar /app/switchboard.jar
# conf/config.json is read from the working directory (the same file is also built into the jar); mount your own
# over /app/conf/config.json, or override single keys with SWITCHBOARD_* variables.
COPY --chown=root:root conf/ /app/conf/
USER switchboard:switchboard
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
EXPOSE 4000 4001 5701
# The socket port's /health answers 200 while serving and 503 while draining (SIGTERM), so a draining node
# reports unhealthy.
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS --max-time 2 http://127.0.0.1:4000/health || exit 1
# SIGTERM (docker stop) drains: sockets closed with 1012 in batches, then the node leaves the cluster.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-jar", "/app/switchboard.jar"]
CMD ["-cluster"]
