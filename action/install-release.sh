#!/usr/bin/env bash
# Installs the release binary of `policy` for the action's own ref:
#
#   <release URL>/policy-<version>-linux-<arch>.tar.gz          (made by scripts/release)
#   <release URL>/policy-<version>-linux-<arch>.tar.gz.sha256   its checksum
#
# downloads both, checks the tarball against the checksum, unpacks it, checks that the binary
# runs here and reports the version it was asked for, and only then moves it into place.
#
# Environment (every variable optional):
#   TOLLGATE_REPOSITORY  owner/name of the Tollgate repository (the action's: github.action_repository)
#   TOLLGATE_REF         the ref the workflow pinned (github.action_ref), e.g. v0.1.0
#   TOLLGATE_VERSION     the version to install; default: TOLLGATE_REF without its leading v
#   TOLLGATE_RELEASE_URL where the two files are; default:
#                        https://github.com/$TOLLGATE_REPOSITORY/releases/download/v$TOLLGATE_VERSION
#                        (a file:// URL works too)
#   TOLLGATE_ARCH        x86_64 or aarch64; default: this machine's
#   TOLLGATE_INSTALL_DIR where `policy` goes; default: $RUNNER_TOOL_CACHE/tollgate/<version>/<arch>
#                        (or $RUNNER_TEMP/…, or a temporary directory)
# When the repository or ref are not given, they are read from GITHUB_ACTION_PATH
# (…/_actions/<owner>/<name>/<ref>/action); the repository's last resort is the default below.
#
# Prints the absolute path of the installed `policy` on stdout; when GITHUB_OUTPUT and
# GITHUB_PATH are set, also writes `policy=<path>` to the first and its directory to the second.
#
# Exit codes:
#   0  installed
#   3  no release binary for this ref (the ref is not a version tag, no release exists — a 404 —,
#      no build for this OS or architecture, or the binary does not run here): build from source
#   1  refused: the download failed otherwise, the checksum does not match, or the tarball is
#      malformed. Nothing is installed.
set -euo pipefail

# The one default of the action: where Tollgate is published when the runner does not say.
# Keep it equal to ProjectTemplates.toolRepository (ActionInstallTests checks).
default_repository="tollgate-dev/tollgate"

NO_RELEASE=3
say() { echo "tollgate: $*" >&2; }
fallback() { say "$*; building from source instead"; exit "$NO_RELEASE"; }
refuse() { say "error: $*"; say "nothing was installed"; exit 1; }

repository="${TOLLGATE_REPOSITORY:-}"
ref="${TOLLGATE_REF:-}"
if [ -n "${GITHUB_ACTION_PATH:-}" ] && { [ -z "$repository" ] || [ -z "$ref" ]; }; then
  # Composite actions may see github.action_repository/action_ref empty; the runner keeps
  # the action at _actions/<owner>/<name>/<ref>/<path inside the repository>.
  case "$GITHUB_ACTION_PATH" in
    */_actions/*/*/*/action)
      inner="${GITHUB_ACTION_PATH%/action}"
      [ -n "$ref" ] || ref="${inner##*/}"
      inner="${inner%/*}"; name="${inner##*/}"
      inner="${inner%/*}"; owner="${inner##*/}"
      [ -n "$repository" ] || repository="$owner/$name"
      ;;
  esac
fi
[ -n "$repository" ] || repository="$default_repository"

version="${TOLLGATE_VERSION:-}"
if [ -z "$version" ]; then
  case "$ref" in
    v[0-9]*.[0-9]*.[0-9]*) version="${ref#v}" ;;
    *) fallback "the action's ref '${ref:-unknown}' is not a release tag (vX.Y.Z): no release binary for it" ;;
  esac
fi
case "$version" in
  *[!0-9A-Za-z.+-]*|"") refuse "'$version' is not a version" ;;
esac

[ "$(uname -s)" = Linux ] || fallback "release binaries are built for Linux only, this is $(uname -s)"
arch="${TOLLGATE_ARCH:-$(uname -m)}"
case "$arch" in
  x86_64|amd64|X64) arch=x86_64 ;;
  aarch64|arm64|ARM64) arch=aarch64 ;;
  *) fallback "no release binary for the architecture $arch" ;;
esac

name="policy-$version-linux-$arch"
base="${TOLLGATE_RELEASE_URL:-https://github.com/$repository/releases/download/v$version}"
base="${base%/}"

work="$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/tollgate-release.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# fetch URL FILE: 0 downloaded, NO_RELEASE when the URL does not exist, 1 otherwise.
fetch() {
  local url=$1 out=$2 code status=0
  code=$(curl --silent --show-error --location --retry 3 --connect-timeout 20 \
    --proto '=https,file' --proto-redir '=https' \
    --output "$out" --write-out '%{http_code}' "$url") || status=$?
  case "$url" in
    file://*)
      [ "$status" -eq 0 ] && return 0
      [ "$status" -eq 37 ] && return "$NO_RELEASE"   # couldn't read the file: it is not there
      ;;
    *)
      [ "$status" -eq 0 ] && [ "$code" = 200 ] && return 0
      [ "$status" -eq 0 ] && [ "$code" = 404 ] && return "$NO_RELEASE"
      ;;
  esac
  say "cannot download $url (curl exit $status, HTTP ${code:-none})"
  return 1
}

say "installing policy $version (linux-$arch) from $base"
status=0; fetch "$base/$name.tar.gz" "$work/$name.tar.gz" || status=$?
[ "$status" -eq "$NO_RELEASE" ] && fallback "no release asset $name.tar.gz at $base"
[ "$status" -eq 0 ] || refuse "the download of $name.tar.gz failed"
status=0; fetch "$base/$name.tar.gz.sha256" "$work/$name.tar.gz.sha256" || status=$?
[ "$status" -eq 0 ] || refuse "the release has no readable checksum file $name.tar.gz.sha256: an unverified binary is not installed"

expected=$(awk 'NR == 1 { print tolower($1) }' "$work/$name.tar.gz.sha256")
case "$expected" in
  *[!0-9a-f]*|"") refuse "$name.tar.gz.sha256 holds no SHA-256 checksum" ;;
esac
[ "${#expected}" -eq 64 ] || refuse "$name.tar.gz.sha256 holds no SHA-256 checksum"
# The file name sha256sum writes after the checksum (`*` for binary mode), when there is one,
# must be the tarball's: a checksum of another release's tarball does not vouch for this one.
listed=$(awk 'NR == 1 { sub(/^\*/, "", $2); print $2 }' "$work/$name.tar.gz.sha256")
[ -z "$listed" ] || [ "$listed" = "$name.tar.gz" ] \
  || refuse "$name.tar.gz.sha256 is the checksum of '$listed', not of $name.tar.gz"
actual=$(sha256sum "$work/$name.tar.gz" | awk '{ print $1 }')
if [ "$actual" != "$expected" ]; then
  refuse "checksum mismatch for $name.tar.gz: expected $expected (from $name.tar.gz.sha256), got $actual"
fi
say "sha256 $actual verified"

mkdir "$work/unpacked"
tar -xzf "$work/$name.tar.gz" -C "$work/unpacked" --no-same-owner 2>"$work/tar.err" \
  || refuse "cannot unpack $name.tar.gz: $(cat "$work/tar.err")"
# Only plain files and directories: a symbolic link (or a device, a FIFO) in the tarball could
# make "$name/policy" any file of this machine, which would then be moved into place.
odd=$(find "$work/unpacked" -mindepth 1 ! -type f ! -type d -printf '%P\n' | head -n 3)
[ -z "$odd" ] || refuse "$name.tar.gz holds something that is not a plain file or directory: $(echo $odd)"
binary="$work/unpacked/$name/policy"
[ -f "$binary" ] && [ ! -L "$binary" ] || refuse "$name.tar.gz has no $name/policy"
chmod 0755 "$binary"
reported=$("$binary" --version 2>"$work/run.err" | head -n 1) \
  || fallback "the release binary does not run on this machine: $(head -c 500 "$work/run.err")"
[ "$reported" = "$version" ] || refuse "the release binary reports version '$reported', not $version"

install_dir="${TOLLGATE_INSTALL_DIR:-${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}}/tollgate/$version/$arch}"
mkdir -p "$install_dir"
install_dir="$(cd "$install_dir" && pwd)"
mv -f "$binary" "$install_dir/policy.partial"
mv -f "$install_dir/policy.partial" "$install_dir/policy"
say "installed $install_dir/policy"
if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "policy=$install_dir/policy" >> "$GITHUB_OUTPUT"; fi
if [ -n "${GITHUB_PATH:-}" ]; then echo "$install_dir" >> "$GITHUB_PATH"; fi
echo "$install_dir/policy"
