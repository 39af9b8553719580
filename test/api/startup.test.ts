import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../src/net/free-port';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/src/cli/index.js');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // a zombie (no parent reaps it here) counts as gone
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** What `npm start` runs: the built CLI's `serve`, in a fresh directory, with no REDIS_URL. */
describe('clickvnfm serve (what npm start runs)', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let output = '';

  beforeAll(() => {
    if (!existsSync(CLI)) spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
    dir = mkdtempSync(join(tmpdir(), 'clickvnfm-serve-'));
  });
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'starts an embedded Redis (private, supervised: restarted when killed, an orphan replaced after a crash),' +
      ' answers api_versions, prints the generated credentials once, and stops cleanly',
    async () => {
      const port = await freePort();
      const env = { ...process.env, REDIS_URL: '', CLICKVNFM_PORT: String(port), CLICKVNFM_LOG_LEVEL: 'warn' };
      child = spawn(process.execPath, [CLI, 'serve'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      const deadline = Date.now() + 60_000;
      let status = 0;
      while (Date.now() < deadline) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/vnflcm/v1/api_versions`);
          status = res.status;
          if (status === 200) break;
        } catch {
          // not up yet
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(status).toBe(200);
      const secret = /client secret: (\S+)/.exec(output)?.[1];
      expect(secret).toBeDefined();
      // the secret is not stored in clear
      expect(readFileSync(join(dir, 'var/auth.json'), 'utf8')).not.toContain(secret!);
      const tok = await fetch(`http://127.0.0.1:${port}/oauth2/token`, {
        method: 'POST',
        headers: {
          authorization: 'Basic ' + Buffer.from(`clickvnfm-admin:${secret!}`).toString('base64'),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      expect(tok.status).toBe(200);
      // npm start onboards and enables the sample packages
      const token = ((await tok.json()) as { access_token: string }).access_token;
      const pkgs = (await (
        await fetch(`http://127.0.0.1:${port}/vnfpkgm/v1/vnf_packages`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as Array<{ vnfProductName: string; onboardingState: string; operationalState: string }>;
      expect(pkgs.map((p) => `${p.vnfProductName}:${p.onboardingState}:${p.operationalState}`).sort()).toEqual(
        ['firewall', 'forwarder', 'load-balancer', 'nat', 'rate-limiter'].map((n) => `${n}:ONBOARDED:ENABLED`),
      );
      const redisPid = (): number => Number(readFileSync(join(dir, 'var/redis/redis.pid'), 'utf8'));
      const listPackages = async (): Promise<number> =>
        (
          await fetch(`http://127.0.0.1:${port}/vnfpkgm/v1/vnf_packages`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).status;
      // var/ is private: keys, hashes, the Redis password and its data
      expect(statSync(join(dir, 'var')).mode & 0o777).toBe(0o700);
      for (const f of ['token.key', 'auth.json', 'secret.key', 'redis.secret'])
        expect(statSync(join(dir, 'var', f)).mode & 0o777).toBe(0o600);
      const password = readFileSync(join(dir, 'var/redis.secret'), 'utf8').trim();
      expect(output).not.toContain(password);

      // the embedded redis-server dies: the VNFM restarts it and answers again, with its state
      const first = redisPid();
      process.kill(first, 'SIGKILL');
      expect(await eventually(async () => (await listPackages()) === 200 && redisPid() !== first)).toBe(true);
      expect(output).toMatch(/redis-server.*(died|exited|restart)/i);

      // the VNFM is killed: its redis-server is orphaned; the next start stops it and starts its own
      const orphan = redisPid();
      const killed = new Promise<void>((r) => child!.once('exit', () => r()));
      child.kill('SIGKILL');
      await killed;
      expect(() => process.kill(orphan, 0)).not.toThrow();
      output = '';
      child = spawn(process.execPath, [CLI, 'serve'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      expect(await eventually(async () => (await listPackages()) === 200)).toBe(true);
      expect(redisPid()).not.toBe(orphan);
      expect(await eventually(async () => !alive(orphan))).toBe(true);
      expect(output).not.toMatch(/client secret:/); // generated once only

      const pid = redisPid();
      expect(() => process.kill(pid, 0)).not.toThrow();
      const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // the embedded redis-server went with it
      expect(() => process.kill(pid, 0)).toThrow();
    },
    150_000,
  );

  it('refuses a bad configuration naming the key', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'listen:\n  port: "eighty"\nauth:\n  colour: blue\n');
    const res = spawnSync(process.execPath, [CLI, 'serve', '--config', file], { cwd: dir, encoding: 'utf8' });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/listen\.port/);
    expect(res.stderr).toMatch(/auth\.colour: unknown key/);
    const env = spawnSync(process.execPath, [CLI, 'serve'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CLICKVNFM_PORT: 'abc' },
    });
    expect(env.status).toBe(2);
    expect(env.stderr).toMatch(/CLICKVNFM_PORT: must be an integer/);
  });
});
