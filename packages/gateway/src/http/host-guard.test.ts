import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { checkAddress, checkUrlForm, classifyAddress, guardUrl, type HostPolicy } from './host-guard.js';

const strict: HostPolicy = { allowHttpHosts: [], allowPrivateHosts: false, allowedHosts: [] };
const withPrivate: HostPolicy = { ...strict, allowPrivateHosts: true };

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('VALIDATION');
    return (err as AppError).message;
  }
  throw new Error('expected a refusal');
}

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['169.254.0.1', 'link-local/metadata'],
    ['169.254.169.254', 'link-local/metadata'],
    ['fe80::1', 'link-local/metadata'],
    ['fe80::1%eth0', 'link-local/metadata'],
    ['fd00:ec2::254', 'link-local/metadata'],
    ['0.0.0.0', 'special'],
    ['::', 'special'],
    ['224.0.0.1', 'special'],
    ['255.255.255.255', 'special'],
    ['192.0.2.10', 'special'],
    ['240.0.0.1', 'special'],
    ['ff02::1', 'special'],
    ['2002:7f00:1::', 'special'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address).kind).toBe(kind);
  });

  it('judges IPv4 carried in IPv6 as the IPv4 address it carries', () => {
    expect(classifyAddress('::ffff:127.0.0.1')).toMatchObject({ kind: 'loopback', ip: '127.0.0.1' });
    expect(classifyAddress('::ffff:a9fe:a9fe')).toMatchObject({ kind: 'link-local/metadata', ip: '169.254.169.254' });
    expect(classifyAddress('::ffff:10.0.0.1').kind).toBe('private');
    expect(classifyAddress('::ffff:8.8.8.8').kind).toBe('public');
    expect(classifyAddress('64:ff9b::a9fe:a9fe')).toMatchObject({ kind: 'link-local/metadata', ip: '169.254.169.254' });
  });
});

describe('checkAddress', () => {
  it('refuses the metadata address with a message that says what to do', () => {
    const msg = refusal(() => checkAddress(strict, 'evil.example', '169.254.169.254'));
    expect(msg).toBe(
      'base_url resolves to 169.254.169.254, a link-local/metadata address; refused. If this is intended, allowlist the host with SWITCHYARD_ALLOWED_HOSTS.',
    );
  });

  it('refuses loopback even when private ranges are allowed, unless allowlisted by name, address or range', () => {
    expect(refusal(() => checkAddress(withPrivate, '127.0.0.1', '127.0.0.1'))).toContain(
      'base_url host 127.0.0.1 is a loopback address',
    );
    expect(refusal(() => checkAddress(withPrivate, 'jira.local', '::ffff:127.0.0.1'))).toContain('loopback');
    expect(() => checkAddress({ ...strict, allowedHosts: ['jira.local'] }, 'JIRA.local', '127.0.0.1')).not.toThrow();
    expect(() => checkAddress({ ...strict, allowedHosts: ['127.0.0.1'] }, 'jira.local', '127.0.0.1')).not.toThrow();
    expect(() => checkAddress({ ...strict, allowedHosts: ['127.0.0.0/8'] }, 'x', '127.9.9.9')).not.toThrow();
    expect(() => checkAddress({ ...strict, allowedHosts: ['127.0.0.1'] }, 'x', '::ffff:127.0.0.1')).not.toThrow();
    expect(refusal(() => checkAddress({ ...strict, allowedHosts: ['127.0.0.1'] }, 'x', '127.0.0.2'))).toContain(
      'loopback',
    );
  });

  it('allows private ranges only with SWITCHYARD_ALLOW_PRIVATE_HOSTS', () => {
    for (const ip of ['10.0.0.5', '172.20.1.1', '192.168.0.10', '100.100.1.1', 'fd00::5', '::ffff:10.0.0.5']) {
      expect(refusal(() => checkAddress(strict, 'jira.corp', ip))).toContain('SWITCHYARD_ALLOW_PRIVATE_HOSTS=true');
      expect(() => checkAddress(withPrivate, 'jira.corp', ip)).not.toThrow();
    }
  });

  it('keeps metadata and special addresses refused with private hosts allowed', () => {
    expect(refusal(() => checkAddress(withPrivate, 'x', 'fd00:ec2::254'))).toContain('link-local/metadata');
    expect(refusal(() => checkAddress(withPrivate, 'x', '0.0.0.0'))).toContain('special-purpose (unspecified)');
    expect(refusal(() => checkAddress(withPrivate, 'x', 'fe80::1'))).toContain('link-local');
  });

  it('lets public addresses through', () => {
    expect(() => checkAddress(strict, 'jira.example.com', '93.184.216.34')).not.toThrow();
  });
});

describe('checkUrlForm', () => {
  it('requires https unless the host is on SWITCHYARD_ALLOW_HTTP_HOSTS, and normalises', () => {
    expect(checkUrlForm(strict, 'https://Jira.Example.com/jira/')).toBe('https://jira.example.com/jira');
    expect(refusal(() => checkUrlForm(strict, 'http://jira.example.com'))).toContain('SWITCHYARD_ALLOW_HTTP_HOSTS');
    expect(checkUrlForm({ ...strict, allowHttpHosts: ['jira.example.com'] }, 'http://jira.example.com:8080')).toBe(
      'http://jira.example.com:8080',
    );
  });

  it('refuses other schemes, credentials, queries, fragments, metadata names and garbage', () => {
    expect(refusal(() => checkUrlForm(strict, 'ftp://jira.example.com'))).toContain('https://');
    expect(refusal(() => checkUrlForm(strict, 'file:///etc/passwd'))).toContain('https://');
    expect(refusal(() => checkUrlForm(strict, 'https://u:p@jira.example.com'))).toContain('credentials');
    expect(refusal(() => checkUrlForm(strict, 'https://jira.example.com/?x=1'))).toContain('query');
    expect(refusal(() => checkUrlForm(strict, 'https://jira.example.com/#x'))).toContain('fragment');
    expect(refusal(() => checkUrlForm(strict, 'https://metadata.google.internal'))).toContain('metadata');
    expect(refusal(() => checkUrlForm(strict, 'not a url'))).toContain('not a URL');
  });
});

describe('guardUrl', () => {
  const resolver = (answers: Record<string, string[]>) => async (host: string) => {
    const found = answers[host];
    if (found === undefined) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
    return found;
  };

  it('checks every address: one private answer among public ones refuses the URL', async () => {
    const resolve = resolver({ 'mixed.example': ['93.184.216.34', '10.0.0.1'], 'ok.example': ['93.184.216.34'] });
    await expect(guardUrl(strict, 'https://mixed.example', 'base_url', resolve)).rejects.toThrow(
      'base_url resolves to 10.0.0.1, a private address',
    );
    await expect(guardUrl(strict, 'https://ok.example/', 'base_url', resolve)).resolves.toBe('https://ok.example');
    await expect(guardUrl(withPrivate, 'https://mixed.example', 'base_url', resolve)).resolves.toBe(
      'https://mixed.example',
    );
  });

  it('checks IP literals without resolving, including IPv6 and IPv4-mapped forms', async () => {
    const never = async () => {
      throw new Error('must not resolve');
    };
    await expect(guardUrl(strict, 'https://169.254.169.254/latest', 'base_url', never)).rejects.toThrow(
      'base_url host 169.254.169.254 is a link-local/metadata address',
    );
    await expect(guardUrl(strict, 'https://[::1]:8443', 'base_url', never)).rejects.toThrow('loopback');
    await expect(guardUrl(strict, 'https://[::ffff:7f00:1]', 'base_url', never)).rejects.toThrow('loopback');
    await expect(guardUrl(strict, 'https://2130706433', 'base_url', never)).rejects.toThrow('127.0.0.1');
  });

  it('says so when the host does not resolve', async () => {
    await expect(guardUrl(strict, 'https://nope.example', 'base_url', resolver({}))).rejects.toThrow(
      'base_url host nope.example does not resolve',
    );
  });
});
