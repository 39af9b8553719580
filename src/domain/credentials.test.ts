import { hasCredentials, isCredentialPath, openCredentials, sealCredentials, stripCredentials } from './credentials';

// A reversible stand-in for SecretBox: the domain functions only need seal/open as functions.
const seal = (p: string): string => `enc:v1:${Buffer.from(p).toString('base64url')}`;
const open = (s: string): string => Buffer.from(s.slice('enc:v1:'.length), 'base64url').toString();

const op = {
  id: 'o1',
  operationParams: {
    flavourId: 'simple',
    vimConnectionInfo: [
      {
        id: 'v1',
        vimType: 'ETSINFV.OPENSTACK_KEYSTONE.V_3',
        accessInfo: { username: 'u', password: 'hunter2', project: 'p' },
        interfaceInfo: { endpoint: 'http://k:5000/v3', apiToken: 't0k' },
      },
      { id: 'v2', vimType: 'X' },
    ],
    additionalParams: { clickConfig: 'x', nested: { adminPassword: 42, note: 'keep' } },
  },
  metadata: { owner: 'me', API_KEY: 'k' },
};

describe('credentials', () => {
  it('seals every credential position, and opens back to the same document', () => {
    const sealed = sealCredentials(op, seal);
    const text = JSON.stringify(sealed);
    for (const secret of ['hunter2', 't0k', '"adminPassword":42', '"API_KEY":"k"']) expect(text).not.toContain(secret);
    expect(sealed.operationParams.vimConnectionInfo[0]?.accessInfo).toMatch(/^enc:v1:/);
    expect(sealed.operationParams.vimConnectionInfo[0]?.interfaceInfo?.endpoint).toBe('http://k:5000/v3');
    expect(sealed.operationParams.additionalParams.nested.note).toBe('keep');
    expect(sealed.metadata.owner).toBe('me');
    expect(openCredentials(sealed, open)).toEqual(op);
    expect(op.operationParams.vimConnectionInfo[0]?.accessInfo?.password).toBe('hunter2'); // input untouched
  });

  it('seals a value that already looks sealed again, so opening gives back exactly what was given', () => {
    const doc = { metadata: { password: 'enc:v1:aGk' } };
    expect(openCredentials(sealCredentials(doc, seal), open)).toEqual(doc);
  });

  it('leaves a credential stored in clear (before sealing) as it is when opening', () => {
    const legacy = { vimConnectionInfo: [{ id: 'v', vimType: 't', accessInfo: { password: 'p' } }] };
    expect(openCredentials(legacy, open)).toEqual(legacy);
  });

  it('strips credentials by removing the members', () => {
    const s = stripCredentials(op);
    expect(s.operationParams.vimConnectionInfo[0]).toEqual({
      id: 'v1',
      vimType: 'ETSINFV.OPENSTACK_KEYSTONE.V_3',
      interfaceInfo: { endpoint: 'http://k:5000/v3' },
    });
    expect(s.operationParams.additionalParams).toEqual({ clickConfig: 'x', nested: { note: 'keep' } });
    expect(s.metadata).toEqual({ owner: 'me' });
    expect(hasCredentials(s)).toBe(false);
    expect(hasCredentials(op)).toBe(true);
  });

  it('knows subscription authentication and the SOL003 v3 map form of vimConnectionInfo', () => {
    const sub = {
      id: 's',
      callbackUri: 'http://c',
      authentication: {
        authType: ['BASIC', 'OAUTH2_CLIENT_CREDENTIALS'],
        paramsBasic: { userName: 'n', password: 'pw' },
        paramsOauth2ClientCredentials: { clientId: 'c', clientPassword: 'cpw', tokenEndpoint: 'http://t' },
      },
    };
    const sealed = sealCredentials(sub, seal);
    expect(JSON.stringify(sealed)).not.toMatch(/"pw"|"cpw"/);
    expect(sealed.authentication.paramsBasic.userName).toBe('n');
    expect(sealed.authentication.paramsOauth2ClientCredentials.tokenEndpoint).toBe('http://t');
    expect(openCredentials(sealed, open)).toEqual(sub);
    expect(stripCredentials(sub).authentication).toEqual({
      authType: ['BASIC', 'OAUTH2_CLIENT_CREDENTIALS'],
      paramsBasic: { userName: 'n' },
      paramsOauth2ClientCredentials: { clientId: 'c', tokenEndpoint: 'http://t' },
    });
    const v3 = { vimConnectionInfo: { vim1: { vimType: 't', accessInfo: { password: 'p' } } } };
    expect(stripCredentials(v3)).toEqual({ vimConnectionInfo: { vim1: { vimType: 't' } } });
  });

  it('does not treat secret-looking names outside the free-form maps as credentials', () => {
    const doc = { tokenEndpoint: 'http://t', operationParams: { passwordPolicy: 'x' } };
    expect(sealCredentials(doc, seal)).toEqual(doc);
  });

  it('recognises attribute paths into credentials', () => {
    const yes = [
      'operationParams/vimConnectionInfo/accessInfo/password',
      'vimConnectionInfo/accessInfo',
      'vimConnectionInfo/v1/accessInfo/username',
      'vimConnectionInfo/interfaceInfo/apiToken',
      'metadata/a/password',
      'operationParams/additionalParams/secret',
      'authentication/paramsBasic/password',
      'authentication/paramsOauth2ClientCredentials/clientPassword',
    ];
    const no = [
      'operationParams',
      'operationParams/vimConnectionInfo',
      'vimConnectionInfo/vimType',
      'vimConnectionInfo/interfaceInfo/endpoint',
      'metadata/owner',
      'authentication/paramsBasic/userName',
      'operationState',
    ];
    for (const p of yes) expect([p, isCredentialPath(p.split('/'))]).toEqual([p, true]);
    for (const p of no) expect([p, isCredentialPath(p.split('/'))]).toEqual([p, false]);
  });
});
