"""Constants shared by the HTTP and UDP front ends and the peer stores."""

# Announce events, numbered as in UDP announce packets (BEP 15).
EVENT_NONE = 0
EVENT_COMPLETED = 1
EVENT_STARTED = 2
EVENT_STOPPED = 3

# Bit mask of the address families of the peers that an announce requests.
FAMILY_V4 = 1
FAMILY_V6 = 2
FAMILY_BOTH = FAMILY_V4 | FAMILY_V6

INFO_HASH_LENGTH = 20
PEER_ID_LENGTH = 20
