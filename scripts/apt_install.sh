# Sourced by scripts/setup.sh and fuzz/run.sh:
#   apt_install LABEL PACKAGE...   installs the packages with apt-get (sudo when not root)
apt_install() {
  local label=$1
  shift
  (($#)) || return 0
  echo "$label: installing $*" >&2
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}
