/**
 * What the LCM engine needs besides the VIM and the agents: its op-occ store, its queue, and where
 * notifications go.
 */
import type { VnfLcmOpOcc } from '../domain/lcm-op-occ';
import type { Repository } from './store';

/** Op-occs, plus the engine's progress record (which steps of an operation are done). */
export interface OpOccRepository extends Repository<VnfLcmOpOcc> {
  doneSteps(opOccId: string): Promise<string[]>;
  markStepDone(opOccId: string, step: string): Promise<void>;
  clearSteps(opOccId: string): Promise<void>;
  /** Private per-operation state (e.g. counts before a scale, for rollback). */
  getMemo(opOccId: string): Promise<Record<string, unknown>>;
  setMemo(opOccId: string, memo: Record<string, unknown>): Promise<void>;
}

/** The kind of work queued for a worker. */
export type LcmJobKind = 'run' | 'rollback';

/** The job queue between the API and the workers (BullMQ; job id = op-occ id). */
export interface LcmQueue {
  enqueue(opOccId: string, kind: LcmJobKind): Promise<void>;
}

/** A notification to deliver to the subscribers whose filters match. */
export interface NotificationEvent {
  notificationType: 'VnfLcmOperationOccurrenceNotification' | 'VnfIdentifierCreationNotification' | 'VnfIdentifierDeletionNotification';
  vnfInstanceId: string;
  /** For op-occ notifications */
  opOcc?: VnfLcmOpOcc;
  /** START for STARTING, RESULT for the rest */
  notificationStatus?: 'START' | 'RESULT';
  /** VNF identity for the instance filter (vnfdId, vnfProvider ...) */
  instance?: Record<string, unknown>;
}

/** Publishes an event after the state it reports is stored. */
export interface Notifier {
  publish(event: NotificationEvent): Promise<void>;
}
