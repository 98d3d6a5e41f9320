#!/usr/bin/env bash
# Builds the Debian packages of vpp-maglev with dpkg-deb, for amd64 and arm64, into build/:
#   vpp-maglevd_<version>_<arch>.deb  maglevd, maglevd-frontend, systemd units, conffiles
#   vpp-maglev_<version>_<arch>.deb   maglevc, maglevt
# Each package carries the Node.js runtime of its architecture (the version pinned in
# scripts/node-runtime.mjs, from the npm registry's node-linux-<arch> packages, cached in
# build/cache) and its native addon, built against that runtime's headers and cross-compiled for
# arm64. It packages the existing dist/: run `npm run build` first (`npm run pkg-deb` does).
# docs/packaging.md explains the choices.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/pkg-deb.sh [--release] [--reuse] [--lintian] [--arch "amd64 arm64"] [--keep-work]

  --release    fail unless all four man pages exist and debian/changelog's newest entry is
               this version (otherwise a missing page is a warning, and a development
               changelog entry is generated)
  --reuse      do nothing when build/ already holds packages built from the same inputs
  --lintian    run lintian on the packages afterwards; fail on any error it reports
  --arch LIST  architectures to build (default: amd64 arm64)
  --keep-work  keep the staging tree build/pkg-deb/ for inspection

Environment: DEB_MAINTAINER, DEB_HOMEPAGE, DEB_COMPRESSION, DEB_COMPRESSION_LEVEL (defaults in
debian/package.conf), NODE_RUNTIME_VERSION (default: the version pinned in
scripts/node-runtime.mjs), SOURCE_DATE_EPOCH (default: the time of the last commit).
EOF
}

release=0
reuse=0
keep=0
lint=0
arches="amd64 arm64"
while [ $# -gt 0 ]; do
  case "$1" in
  --release) release=1 ;;
  --reuse) reuse=1 ;;
  --keep-work) keep=1 ;;
  --lintian) lint=1 ;;
  --arch)
    [ $# -ge 2 ] || { usage >&2; exit 2; }
    arches="$2"
    shift
    ;;
  --arch=*) arches="${1#--arch=}" ;;
  -h | --help) usage; exit 0 ;;
  *) echo "pkg-deb: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

cd "$(dirname "$0")/.."
repo=$PWD
# shellcheck source=../debian/package.conf
. debian/package.conf

die() { echo "pkg-deb: $*" >&2; exit 1; }
log() { echo "pkg-deb: $*" >&2; }
helper() { node "$repo/scripts/pkg-deb.mjs" "$@"; }
runtime() { node "$repo/scripts/node-runtime.mjs" "$@"; }

for arch in $arches; do
  case "$arch" in amd64 | arm64) ;; *) die "unsupported architecture $arch (amd64, arm64)" ;; esac
done

need=(dpkg-deb readelf strip gzip tar npm node make g++ python3)
case " $arches " in *" arm64 "*) need+=(aarch64-linux-gnu-gcc aarch64-linux-gnu-g++ aarch64-linux-gnu-strip) ;; esac
[ "$lint" = 1 ] && need+=(lintian)
for tool in "${need[@]}"; do
  command -v "$tool" >/dev/null || die "$tool is missing (Debian: see 'Build requirements' in docs/packaging.md)"
done
[ -f dist/bin/maglevd.js ] || die "dist/ is not built: run 'npm run build' first"

version=$(helper version)
npm_version=$(helper npm-version)
node_version=$(runtime version)
node -e 'const [a, b] = process.argv[1].split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
  "$node_version" || die "Node.js runtime $node_version: vpp-maglev needs 20.19 or newer"
homepage=$(helper field homepage)
homepage=${homepage:-$DEB_HOMEPAGE}

out=$repo/build
cache=$repo/build/cache
work=$repo/build/pkg-deb
stamp=$out/pkg-deb.stamp
mkdir -p "$out" "$cache"

debs=()
for arch in $arches; do
  debs+=("$out/vpp-maglevd_${version}_$arch.deb" "$out/vpp-maglev_${version}_$arch.deb")
done

# Everything the packages are made from; --reuse skips the build when none of it changed.
inputs_hash() {
  {
    # Not the compression: packages that differ only in it have the same contents.
    printf '%s\n' "$version" "$node_version" "$arches" "$release" "$DEB_MAINTAINER" "$homepage" \
      "${SOURCE_DATE_EPOCH:-}"
    find dist debian docs scripts/pkg-deb.sh scripts/pkg-deb.mjs scripts/node-runtime.mjs package.json \
      package-lock.json \
      binding.gyp native -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  } | sha256sum | cut -d' ' -f1
}
# Errors fail the build; warnings are shown. Overrides, each with its reason, are in
# debian/<package>/lintian-overrides.
run_lintian() {
  log "running lintian"
  lintian --fail-on error --tag-display-limit 0 "${debs[@]}" >&2 || die "lintian reported errors"
}

hash=$(inputs_hash)
if [ "$reuse" = 1 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
  fresh=1
  for deb in "${debs[@]}"; do [ -f "$deb" ] || fresh=0; done
  if [ "$fresh" = 1 ]; then
    log "packages are up to date: ${debs[*]}"
    [ "$lint" = 0 ] || run_lintian
    printf '%s\n' "${debs[@]}"
    exit 0
  fi
fi
rm -f "$stamp"

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || date +%s)
fi
export SOURCE_DATE_EPOCH

# Man pages: every docs/man/*.1 and *.8 is shipped, section 8 in vpp-maglevd and section 1 in
# vpp-maglev. A release needs all four.
for page in maglevd.8 maglevd-frontend.8 maglevc.1 maglevt.1; do
  if [ ! -f "docs/man/$page" ]; then
    [ "$release" = 1 ] && die "docs/man/$page is missing: a release ships all four man pages"
    log "warning: docs/man/$page is missing; building without it"
  fi
done

# The changelog's newest entry must be this version. Development builds get a generated entry.
changelog_top=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' debian/changelog)
if [ "$changelog_top" != "$version" ] && [ "$release" = 1 ]; then
  die "debian/changelog's newest entry is $changelog_top, not $version: add an entry for the release"
fi

node_gyp=${npm_config_node_gyp:-$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js}
[ -f "$node_gyp" ] || die "node-gyp not found at $node_gyp"

rm -rf "$work"
mkdir -p "$work"

# --- The architecture-independent part of the application tree ----------------------------
common=$work/common
mkdir -p "$common/dist"
helper stage-package-json "$common"
modules=$(helper stage-modules "$common")
log "staged $modules npm packages of the production dependency closure"
# Source maps and type declarations serve development, not the installed binaries.
(cd dist && find . -type f ! -name '*.map' ! -name '*.d.ts' -print0 | tar --null -T - -cf -) |
  tar -C "$common/dist" -xf -
# The wrappers run dist/bin/*.js and nothing runs the other scripts: their node shebangs become
# comments, and only the runtime itself stays executable.
helper unshebang "$common" >/dev/null
find "$common" -type f -exec chmod 0644 {} +

# --- Per architecture ------------------------------------------------------------------------
node_arch() { case "$1" in amd64) echo x64 ;; arm64) echo arm64 ;; esac; }
elf_machine() { case "$1" in amd64) echo 'Advanced Micro Devices X86-64' ;; arm64) echo AArch64 ;; esac; }

# npm pack checks the tarball against the registry's integrity hash, node-runtime.mjs against
# the pinned one.
fetch_node() { runtime tarball "$1" "$cache" || die "cannot fetch node-linux-$1@$node_version"; }

# Builds the node-gyp project in $1 for architecture $2 against the headers in $3.
gyp_build() {
  local dir=$1 arch=$2 nodedir=$3
  local -a env=(npm_config_nodedir="$nodedir"
    CFLAGS="-O2 -g0 -fstack-protector-strong -D_FORTIFY_SOURCE=2"
    CXXFLAGS="-O2 -g0 -fstack-protector-strong -D_FORTIFY_SOURCE=2"
    LDFLAGS="-Wl,-z,relro -Wl,-z,now")
  if [ "$arch" = arm64 ]; then
    env+=(CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ LINK=aarch64-linux-gnu-g++
      AR=aarch64-linux-gnu-ar)
  fi
  (cd "$dir" && env "${env[@]}" node "$node_gyp" rebuild --arch="$(node_arch "$arch")" \
    --nodedir="$nodedir" --jobs=max >gyp.log 2>&1) || {
    cat "$dir/gyp.log" >&2
    die "node-gyp failed in $dir for $arch"
  }
}

strip_tool() { if [ "$1" = arm64 ]; then echo aarch64-linux-gnu-strip; else echo strip; fi; }

check_elf() {
  local file=$1 arch=$2 machine
  machine=$(readelf -h "$file" | sed -n 's/^ *Machine: *//p')
  [ "$machine" = "$(elf_machine "$arch")" ] || die "$file is built for '$machine', not $arch"
}

stage_arch() {
  local arch=$1 narch tgz nodedir app
  narch=$(node_arch "$arch")
  tgz=$(fetch_node "$narch")
  nodedir=$work/node-$arch
  mkdir -p "$nodedir"
  tar -C "$nodedir" -xzf "$tgz" --strip-components=1 package/bin/node package/LICENSE package/include

  app=$work/app-$arch
  cp -a "$common" "$app"
  install -D -m 0755 "$nodedir/bin/node" "$app/node/bin/node"
  install -m 0644 "$nodedir/LICENSE" "$app/node/LICENSE"

  # vpp-maglev's own addon (VPP stats segment, the probe engine with ICMP), built from
  # binding.gyp and native/: the only native code in the packages.
  local own=$work/addon-$arch
  mkdir -p "$own"
  cp -a binding.gyp native "$own/"
  gyp_build "$own" "$arch" "$nodedir"
  install -D -m 0644 "$own/build/Release/vpp_maglev_native.node" "$app/build/Release/vpp_maglev_native.node"

  local s
  s=$(strip_tool "$arch")
  "$s" --remove-section=.comment --remove-section=.note "$app/node/bin/node"
  "$s" --strip-unneeded --remove-section=.comment --remove-section=.note \
    "$app/build/Release/vpp_maglev_native.node"
  for f in "$app/node/bin/node" "$app/build/Release/vpp_maglev_native.node"; do
    check_elf "$f" "$arch"
  done
}

changelog_gz() {
  local dest=$1
  {
    if [ "$changelog_top" != "$version" ]; then
      local date commit
      date=$(date -u -R -d "@$SOURCE_DATE_EPOCH")
      commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
      printf 'vpp-maglev (%s) unstable; urgency=medium\n\n' "$version"
      printf '  * Development build of %s from commit %s.\n\n' "$npm_version" "$commit"
      printf ' -- %s  %s\n\n' "$DEB_MAINTAINER" "$date"
    fi
    cat debian/changelog
  } | gzip -9n >"$dest"
}

# Assembles and builds package $1 (vpp-maglevd | vpp-maglev) for architecture $2.
build_package() {
  local pkg=$1 arch=$2
  local root=$work/root-$pkg-$arch
  local appdir=/usr/lib/$pkg
  mkdir -p "$root$appdir" "$root/DEBIAN" "$root/usr/share/doc/$pkg"
  cp -a "$work/app-$arch/." "$root$appdir/"

  local -a bins
  if [ "$pkg" = vpp-maglevd ]; then
    bins=(sbin/maglevd sbin/maglevd-frontend)
    install -D -m 0600 debian/vpp-maglev.default "$root/etc/default/vpp-maglev"
    install -D -m 0644 debian/maglev.yaml "$root/etc/vpp-maglev/maglev.yaml"
    install -D -m 0644 debian/vpp-maglev.service "$root/lib/systemd/system/vpp-maglev.service"
    install -D -m 0644 debian/vpp-maglev-frontend.service "$root/lib/systemd/system/vpp-maglev-frontend.service"
    install -m 0644 debian/vpp-maglevd/conffiles "$root/DEBIAN/conffiles"
    install -m 0755 debian/vpp-maglevd/postinst debian/vpp-maglevd/prerm debian/vpp-maglevd/postrm "$root/DEBIAN/"
    for doc in config-guide.md healthchecks.md user-guide.md; do
      gzip -9n -c "docs/$doc" >"$root/usr/share/doc/$pkg/$doc.gz"
    done
  else
    bins=(bin/maglevc bin/maglevt)
    # The dashboard's web app is only served by maglevd-frontend.
    rm -rf "$root$appdir/dist/web"
    gzip -9n -c docs/user-guide.md >"$root/usr/share/doc/$pkg/user-guide.md.gz"
  fi
  for b in "${bins[@]}"; do
    mkdir -p "$root/usr/$(dirname "$b")"
    sed -e "s|@NAME@|$(basename "$b")|g" -e "s|@APPDIR@|$appdir|g" -e "s|@APPNAME@|$pkg|g" \
      debian/wrapper.in >"$root/usr/$b"
    chmod 0755 "$root/usr/$b"
  done

  local section page
  for page in docs/man/*.[18]; do
    [ -f "$page" ] || continue
    section=${page##*.}
    if { [ "$pkg" = vpp-maglevd ] && [ "$section" = 8 ]; } || { [ "$pkg" = vpp-maglev ] && [ "$section" = 1 ]; }; then
      mkdir -p "$root/usr/share/man/man$section"
      gzip -9n -c "$page" >"$root/usr/share/man/man$section/$(basename "$page").gz"
    fi
  done

  helper copyright "$root$appdir" "$appdir" "$root/usr/share/doc/$pkg/copyright"
  changelog_gz "$root/usr/share/doc/$pkg/changelog.Debian.gz"
  if [ -f "debian/$pkg/lintian-overrides" ]; then
    install -D -m 0644 "debian/$pkg/lintian-overrides" "$root/usr/share/lintian/overrides/$pkg"
  fi

  # Ownership is root:root (dpkg-deb --root-owner-group); modes are normalised here so that
  # the umask of the build machine does not leak into the package.
  find "$root" -type d -exec chmod 0755 {} +
  find "$root" -type f ! -perm -u+x ! -path "$root/etc/default/vpp-maglev" -exec chmod 0644 {} +
  find "$root" -type f -perm -u+x -exec chmod 0755 {} +

  local shlibs size
  shlibs=$(find "$root$appdir" -type f \( -name '*.node' -o -path "*/node/bin/node" \) -print0 |
    xargs -0 readelf -V -W | helper shlibdeps)
  size=$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)
  sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@MAINTAINER@|$DEB_MAINTAINER|" \
    -e "s|@HOMEPAGE@|$homepage|" -e "s|@INSTALLED_SIZE@|$size|" -e "s|@SHLIBDEPS@|$shlibs|" \
    "debian/$pkg/control.in" >"$root/DEBIAN/control"

  # md5sums of every file but the conffiles, which dpkg tracks on its own.
  (cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | LC_ALL=C sort |
    grep -vxF -f <(sed 's|^/||' DEBIAN/conffiles 2>/dev/null || true) |
    tr '\n' '\0' | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
  chmod 0644 "$root/DEBIAN/md5sums" "$root/DEBIAN/control"

  find "$root" -newermt "@$SOURCE_DATE_EPOCH" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  local deb=$out/${pkg}_${version}_$arch.deb
  rm -f "$deb"
  dpkg-deb --root-owner-group -Z"$DEB_COMPRESSION" -z"$DEB_COMPRESSION_LEVEL" --build "$root" "$deb" >/dev/null
  log "built $deb ($(du -h "$deb" | cut -f1))"
}

pids=()
for arch in $arches; do
  stage_arch "$arch"
  log "staged $arch (node $node_version, addon built)"
  # Compression dominates the run time: the packages compress in parallel.
  for pkg in vpp-maglevd vpp-maglev; do
    build_package "$pkg" "$arch" &
    pids+=($!)
  done
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ "$failed" = 0 ] || die "building a package failed"

[ "$keep" = 1 ] || rm -rf "$work"
echo "$hash" >"$stamp"
[ "$lint" = 0 ] || run_lintian
printf '%s\n' "${debs[@]}"
