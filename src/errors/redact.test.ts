import { redact, redactText } from './redact';

describe('redact', () => {
  it('replaces secret-looking keys at any depth and keeps the rest', () => {
    const out = redact({ auth: { password: 'pw', user: 'u', nested: [{ client_secret: 's', id: 1 }] }, token: 't' });
    expect(out).toEqual({ auth: { password: '***', user: 'u', nested: [{ client_secret: '***', id: 1 }] }, token: '***' });
  });

  it('scrubs secrets from free text', () => {
    const text = '{"password": "hunter2", "name": "x"} X-Auth-Token: gAAAAB123 Authorization: Bearer abc.def http://admin:pw@host/';
    const out = redactText(text);
    expect(out).not.toMatch(/hunter2|gAAAAB123|abc\.def|admin:pw/);
    expect(out).toContain('"name": "x"');
  });

  it('scrubs key=value and key: value pairs whose key names a secret', () => {
    const out = redactText('Invalid input: adminPass=sw0rdfish, client_secret: abc123; token=t0k&name=vm1 password=\'x\'');
    expect(out).not.toMatch(/sw0rdfish|abc123|t0k/);
    expect(out).toContain('name=vm1');
    expect(out).not.toContain("'x'");
    expect(redactText('X-Auth-Token: gAAAA123, "password": "pw"')).toBe('X-Auth-Token: ***, "password": "***"');
  });
});
