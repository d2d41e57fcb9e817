#!/usr/bin/env bash
# Prepares an unpacked WildFly 39 for wsquota: wildfly/setup.cli (Health subsystem, JWT cookie settings),
# the DEV-ONLY application users alice, bob, carol, dave (password wsquota, group user), the DEV-ONLY
# publisher of the HTTP API (group wsquota-publisher) and, when a second argument names deployments, the MP-JWT overlay for them. Runs once per WildFly home (marker file).
#   wildfly/setup.sh <wildfly home> [jwt deployment names, e.g. jwt.war]
set -euo pipefail
home=$(cd "${1:?usage: setup.sh <wildfly home> [jwt deployments]}" && pwd)
jwt=${2:-}
cd "$(dirname "$0")/.."
marker="$home/standalone/configuration/.wsquota-setup-done"
# The wildfly profile starts every test run with an empty server.log (tests read it); a real server keeps its log.
if [[ ${WSQUOTA_FRESH_LOG:-} == true ]]; then
  rm -f "$home"/standalone/log/server.log*
fi
if [[ -f $marker ]]; then
  echo "wsquota: $home already set up ($marker)"
  exit 0
fi
export NOPAUSE=true
for user in alice bob carol dave; do
  "$home/bin/add-user.sh" -a -s -u "$user" -p wsquota -g user
done
"$home/bin/add-user.sh" -a -s -u publisher -p wsquota -g wsquota-publisher
"$home/bin/jboss-cli.sh" --file=wildfly/setup.cli
if [[ -n $jwt ]]; then
  "$home/bin/jboss-cli.sh" "-Dwsquota.jwt.deployments=$jwt" --file=wildfly/jwt-overlay.cli
fi
touch "$marker"
echo "wsquota: $home set up"
