/**
 * Limits and defaults of the Raft core, each with the reason for its value. Config fields override
 * the defaults per group.
 */

/**
 * Bytes counted for an entry beyond its data, when bounding message and Ready sizes: term and
 * index (8 bytes each as varints at most ~10, usually far less), the type and the data length. An
 * estimate, not the wire size; it only needs to stop thousands of empty entries from counting as
 * nothing.
 */
export const entryOverheadBytes = 16;

/**
 * Default byte bound on the entries of one MsgApp. One megabyte keeps a message well under gRPC's
 * default 4 MiB receive limit while still batching thousands of small commands per round trip; a
 * lost message then costs at most one megabyte of resending.
 */
export const maxSizePerMsgDefaultBytes = 1 << 20;

/**
 * Default byte bound on the committed entries handed out in one Ready, so that applying one Ready
 * (one event-loop turn on a node) stays short. Eight megabytes at ~1 GB/s of apply is ~8 ms.
 */
export const maxCommittedSizePerReadyDefaultBytes = 8 << 20;

/**
 * Default number of MsgApps in flight to one follower in replicate state. 256 messages of up to
 * maxSizePerMsg each cover the bandwidth-delay product of a fast LAN many times over, while
 * bounding what a slow follower can make the leader buffer.
 */
export const maxInflightMsgsDefault = 256;

/**
 * Default bound on the bytes of entry data a leader holds beyond its commit index before it drops
 * proposals. Without it a leader cut off from its quorum would accept proposals until it ran out
 * of memory; 64 MiB is several seconds of a busy range's writes.
 */
export const maxUncommittedEntriesSizeDefaultBytes = 64 << 20;

/**
 * Pending ReadIndex requests a leader keeps. Each waits for one heartbeat round; a leader that
 * cannot reach a quorum would otherwise collect them without bound. Past the limit new requests
 * are dropped (the caller retries).
 */
export const pendingReadIndexRequestsMax = 4096;

/**
 * Most members (voters and learners, incoming and outgoing) a configuration may hold. Quorum
 * computations sort match indexes per commit check; a Raft group of more than a few dozen members
 * is a design error, so the bound is generous and catches runaway membership changes.
 */
export const configMembersMax = 256;
