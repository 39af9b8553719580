/**
 * VNF Fault Management as the monitor and the API see it: the alarms (one active alarm per condition of a
 * VNFC, kept until cleared and acknowledged) and the FM notifications.
 * @see ETSI GS NFV-SOL 003 v2.6.1 clause 7
 */
import type { StoredAlarm } from '../domain/alarm';
import type { Repository } from './store';

/** The alarms, plus which condition each active one stands for (`<vnfcId>/<cause>`, per instance). */
export interface AlarmStore extends Repository<StoredAlarm> {
  /** The active alarms of an instance, by condition. */
  active(vnfInstanceId: string): Promise<Map<string, StoredAlarm>>;
  /**
   * Raises the alarm of a condition unless one is active already (then that one is returned, unchanged);
   * `raised` tells which.
   */
  raise(condition: string, alarm: StoredAlarm): Promise<{ alarm: StoredAlarm; raised: boolean }>;
  /** Clears the condition's active alarm (severity CLEARED, alarmClearedTime); undefined when none is active. */
  clear(vnfInstanceId: string, condition: string, at: string): Promise<StoredAlarm | undefined>;
  /** Clears one alarm whatever its condition (and forgets it as its condition's active one); undefined if it was. */
  clearById(alarmId: string, at: string): Promise<StoredAlarm | undefined>;
}

/** Sends the FM notifications to the matching FM subscriptions, in order per subscription. */
export interface FaultNotifier {
  alarmRaised(alarm: StoredAlarm): Promise<void>;
  alarmCleared(alarm: StoredAlarm): Promise<void>;
  /** The alarm list was rebuilt (e.g. after the store was restored): consumers should read it again. */
  alarmListRebuilt(): Promise<void>;
}
