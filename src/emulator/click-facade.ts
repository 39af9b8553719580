/** The parts of the Click toolkit the emulator uses (it checks configs the way Click would reject them). */
import type { SourceDiagnostic } from '../errors';
export { checkClick, exportGraph, parseVnfHeader, type VnfHeader } from '../click';

/** Click's own error style: `func.click:12: unknown element class 'Fooo'`. */
export function formatDiagnosticForClick(d: SourceDiagnostic): string {
  return `${d.file}:${d.line}: ${d.message}`;
}
