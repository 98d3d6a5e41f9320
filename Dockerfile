# maglevd in a container.
#   docker build --build-arg MAGLEV_BUILD_COMMIT=$(git rev-parse --short HEAD) -t maglevd .
#   docker run -d --name maglevd --network host --cap-add NET_RAW \
#     -v /etc/vpp-maglev:/etc/vpp-maglev:ro -v /run/vpp:/run/vpp maglevd
# README.md, "Building and installing packages", has the details (netns, VPP socket group).

# The Node.js the Debian packages bundle (scripts/node-runtime.mjs pins it; a test keeps the two
# equal), on Debian 12 like the packages.
ARG NODE_VERSION=24.22.3

FROM node:${NODE_VERSION}-bookworm-slim AS build
# node-gyp builds the native addons: vpp-maglev's stats-segment addon and net-ping's raw-socket,
# against this image's own headers (/usr/local/include/node) instead of downloading them.
ENV npm_config_nodedir=/usr/local
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json binding.gyp ./
COPY native/ native/
COPY scripts/node-runtime.mjs scripts/
# raw-socket asks for nan 2.19, which does not compile against Node.js 24: install without running
# install scripts, put the nan that scripts/node-runtime.mjs pins in its place (C++ headers, read
# only at build time), then run the install scripts and build vpp-maglev's own addon.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && node scripts/node-runtime.mjs nan /tmp/nan-cache node_modules/nan \
 && npm rebuild --no-audit --no-fund \
 && node "$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js" rebuild \
 && rm -rf /tmp/nan-cache
COPY . .
# The build context has no .git: the commit shown by --version comes from this argument.
ARG MAGLEV_BUILD_COMMIT=unknown
# --ignore-scripts: pruning puts the lockfile's nan back, and must not rebuild raw-socket with it.
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
