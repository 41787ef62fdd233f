# Sourced by ./run-tests (and so by .ci/run): installs the Debian packages the speech tests use
# when they are missing: flite (a teacher voice and the front-end's phones), pocketsphinx with its
# en-us model (the recogniser) and espeak-ng (the phoneme front-end). A failed install stops the
# run with its reason; the tests themselves skip a missing tool only outside CI.
need=()
for p in flite pocketsphinx pocketsphinx-en-us espeak-ng; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing the test tools with apt-get: ${need[*]}" >&2
  if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null 2>&1; then
    echo "could not install ${need[*]} (apt-get install -y ${need[*]}); the speech tests need them" >&2
    exit 1
  fi
fi
