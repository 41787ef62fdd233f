# Sourced by ./omni, ./run-tests, .ci/run and benchmarks/jmh: picks JDK 25 and sets the native
# math environment before any JVM starts (OpenBLAS reads it once, at library load).

find_jdk25() {
  local cand
  for cand in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25-* /usr/lib/jvm/jdk-25*; do
    [ -n "$cand" ] && [ -x "$cand/bin/java" ] || continue
    if "$cand/bin/java" -version 2>&1 | head -1 | grep -q '"25'; then echo "$cand"; return 0; fi
  done
  return 1
}

if ! JAVA_HOME=$(find_jdk25); then
  echo "qwen-omni needs JDK 25 (looked at \$JAVA_HOME and /usr/lib/jvm/*25*); install Temurin 25 or set JAVA_HOME to a JDK 25." >&2
  exit 2
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

if ! command -v mvn >/dev/null 2>&1; then
  echo "Maven not found: installing it with apt-get" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven) >&2 || {
    echo "could not install Maven; install it (apt-get install maven) and retry" >&2; exit 2; }
fi

# ND4J's bundled OpenBLAS 0.3.19 does not recognise recent AVX-512 CPUs and falls back to its
# slowest kernel (~31 GFLOP/s measured); SkylakeX kernels give ~150 GFLOP/s per thread here.
# Only force it where the CPU really has AVX-512.
if [ -z "${OPENBLAS_CORETYPE:-}" ] && grep -q -w avx512f /proc/cpuinfo 2>/dev/null; then
  export OPENBLAS_CORETYPE=SkylakeX
fi
# Which ND4J native build to load (pom.xml bundles three): the AVX-512 one with oneDNN (its bf16
# matmul uses AVX512_BF16) where the CPU has the AVX-512 subsets it is compiled for, the AVX2 one
# with oneDNN on AVX2 CPUs, else the generic build. OMNI_ND4J_EXTENSION overrides ("" = generic).
# Measured: docs/research/2026-12-08-native-variants.md.
cpu_has() { local f; for f in "$@"; do grep -q -w "$f" /proc/cpuinfo 2>/dev/null || return 1; done; }
if [ -z "${OMNI_ND4J_EXTENSION+set}" ]; then
  if cpu_has avx512f avx512bw avx512dq avx512vl; then OMNI_ND4J_EXTENSION=-onednn-avx512
  elif cpu_has avx2 fma; then OMNI_ND4J_EXTENSION=-onednn-avx2
  else OMNI_ND4J_EXTENSION=""; fi
fi
export OMNI_ND4J_EXTENSION

# More OpenMP threads than cores slows libnd4j ops 5-100x.
NCORES=$(nproc 2>/dev/null || echo 2)
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-$NCORES}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-$NCORES}"

# JDK 25 warns at every start that JavaCPP and Maven's Guava use sun.misc.Unsafe; allowed here, quietly.
export MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow ${MAVEN_OPTS:-}"
OMNI_JVM_ARGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
  -Djava.awt.headless=true -Xmx"${OMNI_XMX:-6g}"
  -Dorg.bytedeco.javacpp.maxbytes=8G -Dorg.bytedeco.javacpp.maxphysicalbytes=14G
  -Dorg.bytedeco.javacpp.platform.extension="$OMNI_ND4J_EXTENSION")
