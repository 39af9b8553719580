import type { ClickChecker } from './click-facade';

export type EmulatedDialect = 'click-plugin' | 'osv-controlsocket';

export interface EmulatedVmOptions {
  dialect: EmulatedDialect;
  host: string;
  /** OSv httpserver port (8000 on real images; 0 = any free port). */
  port: number;
  /** The ControlSocket's port when the command line names none (8001 on real images). */
  controlPort?: number;
  /**
   * A forward, as QEMU's hostfwd or a NAT makes: the port inside the VM (8001, the images' and the VNFDs' default)
   * that is reached from outside at `controlPort`; a ControlSocket on any other port inside is reached by no one.
   * Without it, the ControlSocket listens where Click's `-p` says.
   */
  vmControlPort?: number;
  /** The API does not listen until this long after boot (and after a reboot), like a real VM after ACTIVE. */
  readyDelayMs?: number;
  /**
   * Click takes this long after a start to read its configuration: until then it does not run (`running`
   * false, no ControlSocket, an empty log), then it runs or exits with its errors. Default 0: at once.
   */
  clickStartDelayMs?: number;
  /** Click exits this long after `WRITE stop` was answered (its driver stops at its next turn). Default 0. */
  clickStopDelayMs?: number;
  /** Never become ready (failure injection): nothing ever listens. */
  neverReady?: boolean;
  /** RAM of the VM (512 MB by default). */
  memoryBytes?: number;
  /** Decides whether Click accepts a configuration (default: the Click toolkit's checks). */
  check?: ClickChecker;
  /** The disk: files that survive a reboot or a power cycle (kept by the caller's map when given). */
  files?: Map<string, string>;
  now?: () => number;
  /**
   * The image's own configuration, run at every boot as the real image's boot command does
   * (`/click-launcher.so -R -p 8001 /func.click`): /func.click holds it until something else is written there, Click
   * runs whatever /func.click holds once the API is up, and /click_errors.txt starts empty. Default: no Click at boot
   * (what most tests expect: they start their own).
   */
  bootConfig?: string;
  /** Called once when the VM powers off (`/os/shutdown`, `/os/poweroff`, or powerOff()). */
  onPowerOff?: () => void;
}
