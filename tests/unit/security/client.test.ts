// The client address behind proxies, and which browser origins may use the gateway.
import { clientAddress, originAllowed } from '../../../src/server/security';

describe('the client address', () => {
  test('is the socket peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(clientAddress({ 'x-forwarded-for': '1.2.3.4' }, '10.0.0.9', 0)).toBe('10.0.0.9');
  });

  test('is the entry as many hops back as proxies are trusted', () => {
    const headers = { 'x-forwarded-for': 'spoofed, 203.0.113.7, 10.0.0.2' };
    expect(clientAddress(headers, '10.0.0.1', 1)).toBe('10.0.0.2');
    expect(clientAddress(headers, '10.0.0.1', 2)).toBe('203.0.113.7');
    expect(clientAddress({}, '10.0.0.1', 2)).toBe('10.0.0.1');
  });

  test('drops the IPv4-mapped IPv6 prefix and stays short', () => {
    expect(clientAddress({}, '::ffff:127.0.0.1', 0)).toBe('127.0.0.1');
    expect(clientAddress({ 'x-forwarded-for': 'x'.repeat(10_000) }, '::1', 1)).toHaveLength(64);
  });
});

describe('the origin check', () => {
  const allowed = ['https://shop.example.com'];
  test('lets in clients without an Origin (not browsers), the same origin and listed origins', () => {
    expect(originAllowed(undefined, 'gw:4000', allowed)).toBe(true);
    expect(originAllowed('http://gw:4000', 'gw:4000', allowed)).toBe(true);
    expect(originAllowed('https://SHOP.example.com', 'gw:4000', allowed)).toBe(true);
  });

  test('refuses other origins, and "null", unless every origin is allowed (development)', () => {
    expect(originAllowed('https://evil.example', 'gw:4000', allowed)).toBe(false);
    expect(originAllowed('null', 'gw:4000', allowed)).toBe(false);
    expect(originAllowed('https://evil.example', 'gw:4000', [])).toBe(false);
    expect(originAllowed('https://evil.example', 'gw:4000', null)).toBe(true);
  });
});
