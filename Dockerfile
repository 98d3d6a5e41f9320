# maglevd in a container.
#   docker build --build-arg MAGLEV_BUILD_COMMIT=$(git rev-parse --short HEAD) -t maglevd .
#   docker run -d --name maglevd --network host --cap-add NET_RAW \
#     -v /etc/vpp-maglev:/etc/vpp-maglev:ro -v /run/vpp:/run/vpp maglevd
# README.md, "Building and installing packages", has the details (netns, VPP socket group).

# The Node.js the Debian packages bundle (scripts/node-runtime.mjs pins it; a test keeps the two
# equal), on Debian 12 like the packages.
ARG NODE_VERSION=24.22.3

FROM node:${NODE_VERSION}-bookworm-slim AS build
# node-gyp builds vpp-maglev's native addon (stats segment, probe engine with ICMP) against this
# image's own headers (/usr/local/include/node) instead of downloading them.
ENV npm_config_nodedir=/usr/local
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json binding.gyp ./
COPY native/ native/
# The dependencies' install scripts run once (npm rebuild), then vpp-maglev's own addon is built.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild --no-audit --no-fund \
 && node "$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js" rebuild
COPY . .
# The build context has no .git: the commit shown by --version comes from this argument.
ARG MAGLEV_BUILD_COMMIT=unknown
# --ignore-scripts: pruning must not run install scripts (nor rebuild the addon) again.
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim
# The library finds build/Release by walking up to the package.json named vpp-maglev, so the
# application stays together in one directory, as in the Debian packages.
WORKDIR /usr/lib/vpp-maglevd
COPY --from=build /src/package.json ./
COPY --from=build /src/dist/ dist/
COPY --from=build /src/build/Release/vpp_maglev_native.node build/Release/
COPY --from=build /src/node_modules/ node_modules/
COPY debian/maglev.yaml /etc/vpp-maglev/maglev.yaml
# maglevd runs as a non-root user. ICMP health checks need raw sockets: this copy of node gets
# the file capability CAP_NET_RAW, which Docker grants containers by default (a container started
# with --cap-drop NET_RAW or ALL cannot exec it). netns needs CAP_SYS_ADMIN in the nsenter it
# starts, which only root keeps: see the README.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcap2-bin \
 && install -D -m 0755 /usr/local/bin/node node/bin/node \
 && setcap cap_net_raw+ep node/bin/node \
 && apt-get purge -y libcap2-bin && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* \
 && groupadd --system maglevd \
 && useradd --system --gid maglevd --home-dir /var/lib/vpp-maglev --shell /usr/sbin/nologin maglevd \
 && install -d -o maglevd -g maglevd -m 0750 /var/lib/vpp-maglev
# The state file of operator overrides (pause, disable, weights): a volume keeps it across
# container restarts.
VOLUME ["/var/lib/vpp-maglev"]
# gRPC API, Prometheus /metrics.
EXPOSE 9090 9091
ENV MAGLEV_CONFIG=/etc/vpp-maglev/maglev.yaml
USER maglevd
ENTRYPOINT ["/usr/lib/vpp-maglevd/node/bin/node", "/usr/lib/vpp-maglevd/dist/bin/maglevd.js"]
