/**
 * What the LCM engine needs besides the VIM and the agents: its op-occ store, its queue, and where
 * notifications go.
 */
import type { LcmOperationState, VnfLcmOpOcc } from '../domain/lcm-op-occ';
import type { Repository, Versioned } from './store';

/** An op-occ as a job opens it: the document, the steps already done, and the state they handed on. */
export interface OpOccRun {
  op: Versioned<VnfLcmOpOcc>;
  done: string[];
  state: object;
  /** The stateEnteredTime of the FAILED_TEMP whose notification was last known sent (markTold). */
  told?: string;
}

/** Op-occs, plus the engine's progress record (which steps of an operation are done, and their state). */
export interface OpOccRepository extends Repository<VnfLcmOpOcc> {
  /** The op-occ, its steps done and its step state, in one round trip; undefined when there is no such op-occ. */
  openRun(opOccId: string): Promise<OpOccRun | undefined>;
  /**
   * Records a step as done with the step state, and reads back the op-occ as it is now (a cancel may
   * have come meanwhile), in one round trip.
   */
  commitStep(opOccId: string, step: string, state: object): Promise<Versioned<VnfLcmOpOcc> | undefined>;
  clearSteps(opOccId: string): Promise<void>;
  /** Stores the step state (a checkpoint inside a step). */
  setMemo(opOccId: string, state: object): Promise<void>;
  /**
   * Records that the notification of the FAILED_TEMP entered at `stateEnteredTime` was sent: a process that dies
   * between storing FAILED_TEMP and sending it leaves none, and whoever takes the op-occ out of FAILED_TEMP
   * sends it then (it is the only state no job sends again).
   */
  markTold(opOccId: string, stateEnteredTime: string): Promise<void>;
  /** The ids of the op-occs in `state`, oldest first, `pageSize` at a time, from the state's index (no document). */
  idsInState(state: LcmOperationState, pageSize: number): AsyncGenerator<string[]>;
  /**
   * The op-occ as the store keeps it (credentials sealed): what its first run's job carries (LcmQueue.start), so
   * that a worker starts it without reading it.
   */
  stored(op: VnfLcmOpOcc): string;
  /** The op-occ from what stored() gave. */
  fromStored(stored: string): VnfLcmOpOcc;
}

/** The kind of work queued for a worker. */
/** `release`: what a failed (FAILED) operation left in the VIM, when nothing else could release it later. */
export type LcmJobKind = 'run' | 'rollback' | 'release';

/** The job queue between the API and the workers (BullMQ; job id = op-occ id). */
export interface LcmQueue {
  enqueue(opOccId: string, kind: LcmJobKind): Promise<void>;
  /**
   * Queues an op-occ's first run, with the op-occ's id as the job's: idempotent while that job exists, so the
   * API's start and the workers' sweep of stranded STARTING op-occs (src/lcm/occurrences/stranded.ts) may both
   * call it. The op-occ's instance travels with the job, so that the worker reads both in one round trip; and the
   * op-occ as created (`created`: OpOccRepository.stored, from the API), so that the job's first delivery needs
   * no read of it.
   */
  start(opOccId: string, vnfInstanceId: string, created?: string): Promise<void>;
  /** Whether the op-occ's first run is queued or running (its job, with the op-occ's id, exists). */
  queued(opOccId: string): Promise<boolean>;
}

/** A notification to deliver to the subscribers whose filters match. */
export interface NotificationEvent {
  notificationType:
    'VnfLcmOperationOccurrenceNotification' | 'VnfIdentifierCreationNotification' | 'VnfIdentifierDeletionNotification';
  vnfInstanceId: string;
  /** For op-occ notifications */
  opOcc?: VnfLcmOpOcc;
  /** START for STARTING, RESULT for the rest */
  notificationStatus?: 'START' | 'RESULT';
  /** VNF identity for the instance filter (vnfdId, vnfProvider ...) */
  instance?: Record<string, unknown>;
}

/**
 * The instance creations and deletions whose notification is still owed: written before the change, removed once
 * the notification is published, so that one whose process died in between is published by a sweep (same
 * notification id: src/notify/subscription-notifier.ts notificationId).
 */
export interface Announcements {
  /** Owed from now: the notification of this creation or deletion (a deletion keeps the instance's identity). */
  intend(kind: 'created' | 'deleted', vnfInstanceId: string, identity?: Record<string, unknown>): Promise<void>;
  done(kind: 'created' | 'deleted', vnfInstanceId: string): Promise<void>;
  /** The ones owed since before `beforeMs`. */
  overdue(beforeMs: number): Promise<OwedAnnouncement[]>;
}

export interface OwedAnnouncement {
  kind: 'created' | 'deleted';
  vnfInstanceId: string;
  identity?: Record<string, unknown>;
}

/** Publishes an event after the state it reports is stored. */
export interface Notifier {
  publish(event: NotificationEvent): Promise<void>;
}
