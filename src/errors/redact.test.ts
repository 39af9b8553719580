import { redact, redactText } from './redact';

describe('redact', () => {
  it('replaces secret-looking keys at any depth and keeps the rest', () => {
    const out = redact({ auth: { password: 'pw', user: 'u', nested: [{ client_secret: 's', id: 1 }] }, token: 't' });
    expect(out).toEqual({
      auth: { password: '***', user: 'u', nested: [{ client_secret: '***', id: 1 }] },
      token: '***',
    });
  });

  it('scrubs secrets from free text', () => {
    const text =
      '{"password": "hunter2", "name": "x"} X-Auth-Token: gAAAAB123 ' +
      'Authorization: Bearer abc.def http://admin:pw@host/';
    const out = redactText(text);
    expect(out).not.toMatch(/hunter2|gAAAAB123|abc\.def|admin:pw/);
    expect(out).toContain('"name": "x"');
  });

  it('scrubs key=value and key: value pairs whose key names a secret', () => {
    const out = redactText(
      "Invalid input: adminPass=sw0rdfish, client_secret: abc123; token=t0k&name=vm1 password='x'",
    );
    expect(out).not.toMatch(/sw0rdfish|abc123|t0k/);
    expect(out).toContain('name=vm1');
    expect(out).not.toContain("'x'");
    expect(redactText('X-Auth-Token: gAAAA123, "password": "pw"')).toBe('X-Auth-Token: ***, "password": "***"');
  });

  it('scrubs secrets from URL query strings (subscription callbacks and token endpoints)', () => {
    const out = redactText(
      'POST https://nfvo.test/token?client_secret=abc123&grant=x failed; ' +
        'GET http://h/cb?access_token=t0k3n#frag; ' +
        'http://h/s?sv=1&sig=s1gn&X-Amz-Signature=deadbeef&key=AIzaK3y&code=c0de&name=ok',
    );
    expect(out).not.toMatch(/abc123|t0k3n|s1gn|deadbeef|AIzaK3y|c0de/);
    expect(out).toContain('client_secret=***&grant=x');
    expect(out).toContain('sv=1');
    expect(out).toContain('name=ok');
  });
});
