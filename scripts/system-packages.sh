# Sourced by ./run-tests (and so by .ci/run): installs the Debian packages the speech tests use
# when they are missing: flite (a teacher voice and the front-end's phones), pocketsphinx with its
# en-us model (the recogniser), espeak-ng (the phoneme front-end) and RHVoice's English voices (the
# full-band teachers). A failed install stops the run with its reason; the tests themselves skip a
# missing tool only outside CI.
need=()
for p in flite pocketsphinx pocketsphinx-en-us espeak-ng rhvoice rhvoice-english; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
# RHVoice is in Debian's non-free component, which a default install does not list: add it in a file
# of our own (the same one `omni data build` writes when it needs RHVoice)
nonfree=/etc/apt/sources.list.d/qwen-omni-non-free.sources
if ! dpkg -s rhvoice-english >/dev/null 2>&1 && [ ! -e "$nonfree" ] && [ -r /etc/os-release ] \
   && [ -e /usr/share/keyrings/debian-archive-keyring.gpg ]; then
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  if [ -n "$codename" ]; then
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s %s-updates\nComponents: non-free\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$codename" "$codename" > "$nonfree"
    echo "enabled Debian's non-free component for RHVoice in $nonfree" >&2
  fi
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing the test tools with apt-get: ${need[*]}" >&2
  if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null 2>&1; then
    echo "could not install ${need[*]} (apt-get install -y ${need[*]}); the speech tests need them" >&2
    exit 1
  fi
fi
