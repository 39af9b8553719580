import { checkClick } from '../click';
import { UnprocessableEntityError } from '../errors';
import type { VnfdModel } from '../tosca';

/** The ports the agents give Click with `-p` in this VNFD's VDUs (every flavour). */
export function agentControlPorts(model: VnfdModel): number[] {
  return [
    ...new Set([...model.vdus, ...model.flavours.flatMap((f) => f.vdus)].map((v) => v.management.controlSocketPort)),
  ];
}

/** A Click configuration in a request is checked before anything starts: 422 with every error and its line:column. */
export function checkClickText(
  text: unknown,
  field: string,
  options: { file?: string; requireHeader?: boolean; agentControlPorts?: readonly number[] } = {},
): void {
  if (text === undefined) return;
  if (typeof text !== 'string')
    throw new UnprocessableEntityError(`${field} must be the text of a Click configuration`, { field });
  const r = checkClick(text, {
    file: options.file ?? 'func.click',
    requireHeader: options.requireHeader ?? false,
    warnings: false,
    agentControlPorts: options.agentControlPorts ?? [],
  });
  if (r.ok) return;
  const errs = r.diagnostics.filter((d) => d.severity === 'error');
  throw new UnprocessableEntityError(
    `${field} does not pass the Click checks: ${errs.map((d) => `${d.line}:${d.column}: ${d.message}`).join('; ')}`,
    {
      field,
      errors: errs.map((d) => ({ field, reason: d.message, file: d.file, line: d.line, column: d.column })),
    },
  );
}
