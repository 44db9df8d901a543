#!/usr/bin/env bash
# A minimal STOMP 1.2 client in plain bash, for the README's tour and for quick checks by hand.
#
#   stomp.sh send    USER QUEUE FILE   put FILE on QUEUE as USER
#   stomp.sh receive USER QUEUE FILE   take one message from QUEUE as USER and write its body to FILE
#
# The password is read from STOMP_PASSWORD, else the sample password sample-USER is used.
# The broker is STOMP_HOST:STOMP_PORT, 127.0.0.1:61616 by default. Exit status 1 on any ERROR frame,
# or when nothing arrives within STOMP_TIMEOUT seconds (30 by default).
set -euo pipefail

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -eq 4 ] || usage
action=$1 user=$2 queue=$3 file=$4
password=${STOMP_PASSWORD:-sample-$user}
host=${STOMP_HOST:-127.0.0.1} port=${STOMP_PORT:-61616} wait=${STOMP_TIMEOUT:-30}

exec 3<>"/dev/tcp/$host/$port"

# Reads one frame's command and headers from fd 3 into $command and the headers array; the body is left.
read_headers() {
  command=""
  while [ -z "$command" ]; do
    if ! IFS= read -r -t "$wait" -u 3 command; then
      echo "nothing from the broker within ${wait}s" >&2; exit 1
    fi
    command=${command%$'\r'}; command=${command#$'\0'}
  done
  headers=()
  while IFS= read -r -u 3 line; do
    line=${line%$'\r'}
    [ -z "$line" ] && break
    headers+=("$line")
  done
}

# The value of a header of the last frame, with STOMP's escapes (\c \n \r \\) decoded.
header() {
  local h v
  for h in "${headers[@]}"; do
    if [ "${h%%:*}" = "$1" ]; then
      v=${h#*:}; v=${v//\\c/:}; v=${v//\\n/ }; v=${v//\\r/}; v=${v//\\\\/\\}
      echo "$v"; return 0
    fi
  done
  return 0
}

fail_on_error() {
  if [ "$command" = "ERROR" ]; then
    echo "broker refused: $(header message)" >&2
    IFS= read -r -d '' -u 3 body || true
    [ -n "$body" ] && echo "$body" >&2
    exit 1
  fi
}

printf 'CONNECT\naccept-version:1.2\nhost:%s\nlogin:%s\npasscode:%s\nheart-beat:0,0\n\n\0' \
  "$host" "$user" "$password" >&3
read_headers; fail_on_error
IFS= read -r -d '' -u 3 _ || true

case $action in
  send)
    length=$(wc -c < "$file")
    { printf 'SEND\ndestination:%s\ndestination-type:ANYCAST\npersistent:true\ncontent-type:application/xml\ncontent-length:%s\nreceipt:sent\n\n' \
        "$queue" "$length"; cat "$file"; printf '\0'; } >&3
    read_headers; fail_on_error
    echo "sent $file ($length bytes) to $queue as $user"
    ;;
  receive)
    printf 'SUBSCRIBE\nid:0\ndestination:%s\nsubscription-type:ANYCAST\nack:client-individual\n\n\0' "$queue" >&3
    read_headers; fail_on_error
    length=$(header content-length)
    if [ -n "$length" ]; then
      head -c "$length" <&3 > "$file"
    else
      IFS= read -r -d '' -u 3 body || true
      printf '%s' "$body" > "$file"
    fi
    printf 'ACK\nid:%s\n\n\0' "$(header ack)" >&3
    echo "received $(wc -c < "$file") bytes from $queue as $user into $file"
    for name in PasserelleMessageId PasserellePartner PasserelleNotice PasserelleReasonCode PasserelleReason; do
      value=$(header "$name")
      [ -n "$value" ] && echo "  $name: $value"
    done
    ;;
  *) usage ;;
esac
# Wait for the broker's receipt of DISCONNECT, so that it sees a clean goodbye and not a reset connection.
printf 'DISCONNECT\nreceipt:bye\n\n\0' >&3
while IFS= read -r -t 5 -u 3 line; do line=${line%$'\r'}; [ "${line#$'\0'}" = RECEIPT ] && break; done || true
exec 3>&-
