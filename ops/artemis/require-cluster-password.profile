
# Passerelle: broker.xml reads the cluster password from PASSERELLE_BROKER_HA_CLUSTERPASSWORD. Unset, Artemis would
# take an empty password, and anyone could log in as the cluster account, which has every right: refuse to start.
if [ "$1" = "run" ] && [ -z "$PASSERELLE_BROKER_HA_CLUSTERPASSWORD" ]; then
  echo "PASSERELLE_BROKER_HA_CLUSTERPASSWORD is not set: the cluster password of the pair is needed" >&2
  exit 1
fi
