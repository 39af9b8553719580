/**
 * The store: the single source of truth, shared by every API and worker process (Redis in
 * production; see src/store). Repositories keep documents with a version (the ETag) and list them
 * in creation order with SOL013 filtering and paging.
 */
import type { Filter } from '../domain/query';
import type { InstantiationState, VnfInstance } from '../domain/vnf-instance';

export interface Versioned<T> {
  doc: T;
  /** Increases on every write; the HTTP ETag. */
  version: number;
}

export interface ListQuery {
  filter?: Filter;
  /** Opaque marker from a previous page's `nextMarker`. */
  marker?: string;
  limit: number;
  /**
   * The documents as an answer shows them (credentials left out, none opened), as `getShown` reads one;
   * default: as `get` reads them.
   */
  shown?: boolean;
}

export interface ListPage<T> {
  items: T[];
  nextMarker?: string;
}

/** Every page of a listing, in order, each asked with the previous one's marker. */
export async function* pages<T>(
  repo: { list(query: ListQuery): Promise<ListPage<T>> },
  query: Omit<ListQuery, 'marker'>,
): AsyncGenerator<ListPage<T>> {
  let marker: string | undefined;
  do {
    const page = await repo.list({ ...query, ...(marker !== undefined ? { marker } : {}) });
    yield page;
    marker = page.nextMarker;
  } while (marker !== undefined);
}

/** A collection of JSON documents by id. */
export interface Repository<T extends { id: string }> {
  /** Stores a new document; fails with a ConflictError if the id exists. */
  create(doc: T): Promise<Versioned<T>>;
  get(id: string): Promise<Versioned<T> | undefined>;
  /**
   * Replaces the document; with `ifVersion`, only when the stored version is that one (else
   * PreconditionFailedError).
   */
  put(doc: T, options?: { ifVersion?: number }): Promise<Versioned<T>>;
  /**
   * Read-modify-write, retried on concurrent change. `mutate` returns the new document (or undefined to
   * leave it). With `known` (the document as the caller last read or wrote it) the first attempt skips
   * the read; a concurrent change makes it read and re-apply as usual.
   */
  update(
    id: string,
    mutate: (current: T) => T | undefined,
    options?: { ifVersion?: number; known?: Versioned<T> },
  ): Promise<Versioned<T> | undefined>;
  delete(id: string): Promise<boolean>;
  list(query: ListQuery): Promise<ListPage<T>>;
  count(): Promise<number>;
}

/** Why an operation could not begin. */
export type BeginOperationRefusal =
  | { reason: 'not-found' }
  | { reason: 'wrong-state'; state: InstantiationState }
  | { reason: 'busy'; activeOpOccId: string };

/** VNF instances, plus the one-active-operation-per-instance lock. */
export interface VnfInstanceRepository extends Repository<VnfInstance> {
  /**
   * Atomically: the instance exists, its instantiationState is one of `allowedStates` (all when
   * omitted) and no other operation is active on it; then marks `opOccId` active.
   * Calling it again with the same opOccId succeeds (idempotent).
   */
  tryBeginOperation(
    instanceId: string,
    opOccId: string,
    allowedStates?: readonly InstantiationState[],
  ): Promise<{ ok: true } | ({ ok: false } & BeginOperationRefusal)>;
  /** Clears the lock if `opOccId` holds it. */
  endOperation(instanceId: string, opOccId: string): Promise<void>;
  /**
   * Clears the lock if `opOccId` has held it for `heldForMs` or longer; true if it did. For a lock whose op-occ was
   * never stored (the process that took it died before it stored the op-occ): nothing else would ever clear it.
   */
  endOrphanedOperation(instanceId: string, opOccId: string, heldForMs: number): Promise<boolean>;
  /** The active operation, if any. */
  activeOperation(instanceId: string): Promise<string | undefined>;
  /**
   * The instance as the API shows it: its credentials left out (none opened: nothing to decrypt), with its
   * version. What `stripCredentials` of `get`'s document gives, cheaper.
   */
  getShown(id: string): Promise<Versioned<VnfInstance> | undefined>;
  /**
   * The ids of the instances in `state`, in creation order, `pageSize` at a time, read from the state's index without
   * their documents (a sweep over every instance reads no document it does not need).
   */
  idsInState(state: InstantiationState, pageSize: number): AsyncGenerator<string[]>;
  /** Deletes the instance only when it is NOT_INSTANTIATED and no operation is active. */
  deleteIfRemovable(instanceId: string): Promise<{ ok: true } | ({ ok: false } & BeginOperationRefusal)>;
}
