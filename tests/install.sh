# Sourced by the test scripts: installing what a test needs, from Debian's packages.
export DEBIAN_FRONTEND=noninteractive

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi
}

apt_install() {
  as_root apt-get install -y -qq "$@" >/dev/null 2>&1 || {
    as_root apt-get update -qq >/dev/null
    as_root apt-get install -y -qq "$@" >/dev/null
  }
}

# Whether every Debian package named is installed.
installed() {
  [ "$(dpkg-query -W -f '${Status}\n' "$@" 2>/dev/null | grep -c 'install ok installed')" = "$#" ]
}
