/**
 * VNF indicators as the monitor and the API see them: the current value of each indicator the VNFD declares,
 * per instance, and the value change notifications.
 * @see ETSI GS NFV-SOL 003 v2.6.1 clause 8
 */
import type { StoredIndicator } from '../domain/indicator';
import type { ListPage, ListQuery } from './store';

export interface IndicatorStore {
  /**
   * Records the values one pass read, each compared and set in one step: returns those that changed (a first
   * value, or another than the stored one), so that a change is told once whichever worker reads it. A value
   * read no later than the stored one (`at`) is left aside. Stored indicators not in `declared` are dropped.
   */
  record(vnfInstanceId: string, values: StoredIndicator[], declared: readonly string[]): Promise<StoredIndicator[]>;
  /** The instance's indicators (by id). */
  ofInstance(vnfInstanceId: string): Promise<StoredIndicator[]>;
  /** Every instance's indicators (by instance, then id), filtered on their attributes, a page at a time. */
  list(query: ListQuery): Promise<ListPage<StoredIndicator>>;
  /** Drops the instance's values (it is no longer instantiated). */
  drop(vnfInstanceId: string): Promise<void>;
}

/** Sends VnfIndicatorValueChangeNotification to the matching indicator subscriptions, in order per subscription. */
export interface IndicatorNotifier {
  valueChanged(indicator: StoredIndicator): Promise<void>;
}
