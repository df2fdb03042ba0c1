#!/usr/bin/env bash
# Installs the system tools the test suite uses when they are missing: kubectl (the independent
# client the API server is checked against) and openssl (test certificates). Tests that need a
# tool that still cannot be had skip with a printed reason.
set -u
need=()
command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-tools: installing ${need[*]}"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null 2>&1 \
      || echo "ensure-tools: could not install ${need[*]}; the tests that need them will skip"
  else
    echo "ensure-tools: missing ${need[*]} and cannot apt-get install; the tests that need them will skip"
  fi
fi
exit 0
