"""Failure messages that the tracker sends to BitTorrent clients.

Client-visible contract: these strings reach clients verbatim, as the HTTP
`failure reason` and as the text of UDP error packets, and clients show them
to users or match on them. Change them only on purpose.
"""

UNREGISTERED_TORRENT = "unregistered torrent"
MISSING_INFO_HASH = "missing info_hash"
INVALID_INFO_HASH = "invalid info_hash: expected 20 bytes"
MISSING_PEER_ID = "missing peer_id"
INVALID_PEER_ID = "invalid peer_id: expected 20 bytes"
MISSING_PORT = "missing port"
INVALID_PORT = "invalid port: expected an integer from 0 to 65535"
INVALID_LEFT = "invalid left: expected a non-negative integer"
INVALID_IP = "invalid ip"
UNKNOWN_CLIENT_ADDRESS = "client address unknown"
FULL_SCRAPE_REJECTED = "full scrape is not supported: pass one or more info_hash parameters"
TOO_MANY_INFO_HASHES = "too many info_hash values: at most %d per scrape"
INVALID_CONNECTION_ID = "invalid or expired connection id"
INVALID_ACTION = "invalid action"
MALFORMED_PACKET = "malformed packet"
INVALID_EVENT = "invalid event"
INTERNAL_ERROR = "internal tracker error, try again later"
