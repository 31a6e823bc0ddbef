/**
 * The script commands of the interaction tests, one file each.
 */
import { handleAddNodes } from './add-nodes.js';
import { handleCampaign } from './campaign.js';
import { handleCompact } from './compact.js';
import { handleDeliverMsgs } from './deliver-msgs.js';
import type { CommandHandler } from './env.js';
import { handleLogLevel } from './log-level.js';
import { handleProcessReady } from './process-ready.js';
import { handlePropose } from './propose.js';
import { handleProposeConfChange } from './propose-conf-change.js';
import { handleRaftLog } from './raft-log.js';
import { handleRaftState } from './raft-state.js';
import { handleReadIndex } from './read-index.js';
import { handleReportSnapshot } from './report-snapshot.js';
import { handleReportUnreachable } from './report-unreachable.js';
import { handleRestart } from './restart.js';
import { handleSetRandomizedElectionTimeout } from './set-randomized-election-timeout.js';
import { handleSnapshot } from './snapshot.js';
import { handleStabilize } from './stabilize.js';
import { handleStateMachine } from './state-machine.js';
import { handleStatus } from './status.js';
import { handleTick } from './tick.js';
import { handleTickElection } from './tick-election.js';
import { handleTickHeartbeat } from './tick-heartbeat.js';
import { handleTransferLeadership } from './transfer-leadership.js';

export const interactionHandlers: Readonly<Record<string, CommandHandler>> = {
  'add-nodes': handleAddNodes,
  campaign: handleCampaign,
  compact: handleCompact,
  'deliver-msgs': handleDeliverMsgs,
  'log-level': handleLogLevel,
  'process-ready': handleProcessReady,
  propose: handlePropose,
  'propose-conf-change': handleProposeConfChange,
  'raft-log': handleRaftLog,
  'raft-state': handleRaftState,
  'read-index': handleReadIndex,
  'report-snapshot': handleReportSnapshot,
  'report-unreachable': handleReportUnreachable,
  restart: handleRestart,
  'set-randomized-election-timeout': handleSetRandomizedElectionTimeout,
  snapshot: handleSnapshot,
  stabilize: handleStabilize,
  'state-machine': handleStateMachine,
  status: handleStatus,
  tick: handleTick,
  'tick-election': handleTickElection,
  'tick-heartbeat': handleTickHeartbeat,
  'transfer-leadership': handleTransferLeadership,
};
