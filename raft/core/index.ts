/**
 * The public surface of the Raft core, for the driver, the storage and the simulator.
 */
export * from './types.js';
export type { Ready } from './ready.js';
export { isHardStateEqual, isSoftStateEqual, mustSync } from './ready.js';
export { RawNode } from './raw-node.js';
export type { Status, ProgressStatus } from './status.js';
export { MemoryStorage, ErrSnapOutOfDate } from './memory-storage.js';
export { encodeConfChange, decodeConfChange, ConfChangeDecodeError } from './conf-change-codec.js';
export { bootstrapSnapshot } from './bootstrap.js';
export { entrySizeBytes, entriesSizeBytes, payloadSizeBytes, limitSize } from './entry-size.js';
export { silentLogger, LevelLogger, type LogLevel } from './logger.js';
export {
  describeData,
  describeEntry,
  describeEntries,
  describeMessage,
  describeReady,
  describeHardState,
  describeSoftState,
  describeSnapshot,
  describeConfState,
} from './describe.js';
