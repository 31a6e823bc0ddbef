import type { Brand } from '../../common/brand.js';

/**
 * One Raft group among the many a node runs (a range, to the layers above). A plain number: ids
 * are assigned by the cluster one at a time, so 2^53 of them will never be used up.
 */
export type GroupId = Brand<number, 'GroupId'>;

export function groupId(n: number): GroupId {
  return n as GroupId;
}
