/**
 * Publishes the creation and deletion notifications whose process died between the change and the publication
 * (src/ports/lcm.ts Announcements): a creation whose instance exists, a deletion whose instance is gone. One whose
 * change did not happen (the create was refused, the instance was not deleted) is dropped. A notification published
 * twice this way keeps its id (derived from the instance and the type), so the consumer can tell.
 */
import type { VnfInstance } from '../domain/vnf-instance';
import type { Announcements, Notifier } from '../ports/lcm';
import type { VnfInstanceRepository } from '../ports/store';
import { identityOf } from './engine';

export async function publishOwed(
  d: { instances: Pick<VnfInstanceRepository, 'get'>; notifier: Notifier; owed: Announcements },
  beforeMs: number,
): Promise<string[]> {
  const published: string[] = [];
  for (const o of await d.owed.overdue(beforeMs)) {
    const inst = (await d.instances.get(o.vnfInstanceId))?.doc;
    if (o.kind === 'created' && inst !== undefined) {
      await d.notifier.publish({
        notificationType: 'VnfIdentifierCreationNotification',
        vnfInstanceId: inst.id,
        instance: identityOf(inst),
      });
      published.push(`created:${inst.id}`);
    } else if (o.kind === 'deleted' && inst === undefined) {
      await d.notifier.publish({
        notificationType: 'VnfIdentifierDeletionNotification',
        vnfInstanceId: o.vnfInstanceId,
        ...(o.identity !== undefined ? { instance: o.identity } : {}),
      });
      published.push(`deleted:${o.vnfInstanceId}`);
    }
    await d.owed.done(o.kind, o.vnfInstanceId);
  }
  return published;
}

/**
 * The API's instance events: the notification owed before the change, published after it, then no longer owed.
 */
export function instanceEvents(notifier: Notifier, owed: Announcements) {
  const identity = (i: VnfInstance) => ({ vnfInstanceId: i.id, instance: identityOf(i) });
  return {
    instanceCreating: (id: string) => owed.intend('created', id),
    instanceCreated: async (i: VnfInstance) => {
      await notifier.publish({ notificationType: 'VnfIdentifierCreationNotification', ...identity(i) });
      await owed.done('created', i.id);
    },
    instanceDeleting: (i: VnfInstance) => owed.intend('deleted', i.id, identityOf(i)),
    instanceDeleted: async (i: VnfInstance) => {
      await notifier.publish({ notificationType: 'VnfIdentifierDeletionNotification', ...identity(i) });
      await owed.done('deleted', i.id);
    },
  };
}
